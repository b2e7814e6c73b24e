/**
 * The Helm releases of a kubernetes stack: chart, pinned version, repository and the values we set. synth writes
 * each release's values to `helm/<release>.values.yaml`; the Pulumi program installs each one as a Helm release. Pure.
 */
import type { Stack } from '../../schema';
import { kubernetesTarget } from './objects';
import { CHART_VALUES_FILE, kubePrometheusStackValues } from './chart-values';
import { lokiChart } from './loki';
import { alloyChart } from './alloy';

export interface ChartRelease {
  /** Helm release name; kube-prometheus-stack's is `target.release`, which its selectors match. */
  name: string;
  chart: string;
  /** Pinned: an exact version from `target.chartVersions`. */
  version: string;
  repo: string;
  namespace: string;
  values: Record<string, unknown>;
  /** Where synth writes the values, relative to its output directory. */
  valuesFile: string;
}

export const PROMETHEUS_COMMUNITY_REPO = 'https://prometheus-community.github.io/helm-charts';
export const GRAFANA_REPO = 'https://grafana.github.io/helm-charts';

export function kubernetesCharts(stack: Stack): ChartRelease[] {
  if (stack.target.kind !== 'kubernetes') return [];
  const target = kubernetesTarget(stack);
  return [
    {
      name: target.release,
      chart: 'kube-prometheus-stack',
      version: target.chartVersions.kubePrometheusStack,
      repo: PROMETHEUS_COMMUNITY_REPO,
      namespace: target.namespace,
      values: kubePrometheusStackValues(stack),
      valuesFile: CHART_VALUES_FILE,
    },
    ...[lokiChart(stack), alloyChart(stack)].filter((c): c is ChartRelease => c !== undefined),
  ];
}
