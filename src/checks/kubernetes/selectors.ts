/**
 * Selector consistency: every object we write is picked up by what watches it. PrometheusRules and monitors by the
 * Prometheus resource's selectors we set (src/render/kubernetes/selectors.ts: the chart's `release` label trap),
 * dashboard ConfigMaps by the Grafana sidecar's label, all in the release's namespace.
 */
import type { CheckResult } from '../../check-result';
import type { KubernetesTargetConfig } from '../../schema';
import { PrometheusSelectors, SELECTOR_OF_KIND, selects } from '../../render/kubernetes/selectors';
import { DASHBOARD_LABEL } from '../../render/kubernetes/dashboards';
import { ManifestFile, objectLabel } from './manifests';

export function selectorCheck(target: KubernetesTargetConfig, selectors: PrometheusSelectors, manifests: ManifestFile[]): CheckResult {
  const problems = manifests.flatMap((m) => selectorProblems(target, selectors, m));
  return {
    name: `kubernetes selectors pick up every object we own (${manifests.length} objects)`,
    ok: problems.length === 0,
    detail: problems.join('\n') || undefined,
  };
}

function selectorProblems(target: KubernetesTargetConfig, selectors: PrometheusSelectors, m: ManifestFile): string[] {
  const labels = m.object.metadata?.labels ?? {};
  const problems: string[] = [];
  if (m.object.metadata?.namespace !== target.namespace) {
    problems.push(`${objectLabel(m)}: metadata.namespace: is "${m.object.metadata?.namespace}"; expected the release namespace "${target.namespace}"`);
  }
  const selector = SELECTOR_OF_KIND[m.object.kind];
  if (selector && !selects(selectors[selector], labels)) {
    problems.push(
      `${objectLabel(m)}: metadata.labels: ${JSON.stringify(labels)} do not match the Prometheus ${selector} ` +
        `${JSON.stringify(selectors[selector])}; expected labels that match, or the operator ignores the object`,
    );
  }
  if (isDashboard(m) && !selects({ matchLabels: DASHBOARD_LABEL }, labels)) {
    problems.push(`${objectLabel(m)}: metadata.labels: lacks ${JSON.stringify(DASHBOARD_LABEL)}; expected the Grafana dashboard sidecar's label`);
  }
  return problems;
}

/** A dashboard ConfigMap holds dashboard JSON (other ConfigMaps, e.g. Jaeger's config, are not the sidecar's). */
const isDashboard = (m: ManifestFile) =>
  m.object.kind === 'ConfigMap' && Object.keys((m.object.data as Record<string, unknown> | undefined) ?? {}).some((k) => k.endsWith('.json'));
