/**
 * The checks of a kubernetes stack's manifests (synth's `manifests/`, beside `files/`): schemas (the packaged ones and
 * the pinned chart's CRDs), promtool on the PrometheusRule groups, selector consistency. A Docker stack has no manifests and gets none of these.
 */
import type { CheckResult, ExtraCheck } from '../../check-result';
import { kubernetesTarget } from '../../render/kubernetes/objects';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { PrometheusSelectors } from '../../render/kubernetes/selectors';
import { CHART_VALUES_FILE } from '../../render/kubernetes/chart-values';
import { manifestsDirOf, readManifests } from './manifests';
import { schemaCheck } from './schema';
import { crdSchemaCheck } from './crd-schema';
import { promtoolRulesCheck } from './promtool';
import { selectorCheck } from './selectors';
import { workloadCheck } from './workloads';
import { amtoolConfigCheck } from './amtool';

export const kubernetesChecks: ExtraCheck = async (stack, filesDir) => {
  if (stack.target.kind !== 'kubernetes') return [];
  const manifests = readManifests(manifestsDirOf(filesDir));
  if (manifests.length === 0) return [{ name: 'kubernetes manifests', ok: false, detail: `no manifests in ${manifestsDirOf(filesDir)}` }];
  // Loaded when run: src/check.ts lists this check, so a static import would be a cycle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { findTool } = require('../../check') as typeof import('../../check');
  const results: CheckResult[] = [
    await schemaCheck(manifests),
    crdSchemaCheck(kubernetesTarget(stack).chartVersions.kubePrometheusStack, manifests),
    ...(await promtoolRulesCheck(manifests, findTool('promtool').path)),
    ...(await amtoolConfigCheck(manifests, findTool('amtool').path)),
    selectorCheck(kubernetesTarget(stack), chartSelectors(filesDir), manifests),
    workloadCheck(allChartValues(filesDir)),
  ];
  return results;
};

/** The kube-prometheus-stack values synth wrote (`helm/kube-prometheus-stack.values.yaml`): what the cluster gets. */
function chartValues(filesDir: string): any {
  const file = path.join(path.dirname(filesDir), CHART_VALUES_FILE);
  return fs.existsSync(file) ? yaml.load(fs.readFileSync(file, 'utf8')) : undefined;
}

/** Every chart's values synth wrote under helm/, by path relative to the output directory. */
function allChartValues(filesDir: string): Record<string, unknown> {
  const dir = path.join(path.dirname(filesDir), 'helm');
  if (!fs.existsSync(dir)) return {};
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.values.yaml'));
  return Object.fromEntries(files.map((f) => [`helm/${f}`, yaml.load(fs.readFileSync(path.join(dir, f), 'utf8'))]));
}

function chartSelectors(filesDir: string): PrometheusSelectors {
  const spec = chartValues(filesDir)?.prometheus?.prometheusSpec ?? {};
  const none = { matchLabels: { '(no selector in chart values)': CHART_VALUES_FILE } };
  return {
    ruleSelector: spec.ruleSelector ?? none,
    serviceMonitorSelector: spec.serviceMonitorSelector ?? none,
    podMonitorSelector: spec.podMonitorSelector ?? none,
    scrapeConfigSelector: spec.scrapeConfigSelector ?? none,
    probeSelector: spec.probeSelector ?? none,
  };
}
