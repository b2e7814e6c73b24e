/**
 * The Kubernetes manifests of a stack with a kubernetes target: what we own beside kube-prometheus-stack
 * (PrometheusRules, ScrapeConfigs, dashboard ConfigMaps, the Alertmanager config Secret), one object per file,
 * keyed by path under synth's `manifests/`. Built from the Docker renderer's files, so both targets carry the same
 * rules, dashboards and routing. Pure: no Pulumi, no I/O.
 */
import type { Stack } from '../../schema';
import type { RenderedFiles } from '../index';
import { GENERATED_HEADER, toYaml } from '../../yaml';
import { KubeObject } from './objects';
import { prometheusRules } from './rules';
import { scrapeConfigs } from './monitors';
import { dashboardConfigMaps } from './dashboards';
import { alertmanagerConfigSecret } from './alertmanager';
import { jaegerObjects } from './jaeger';
import { probeObjects } from './probes';

export function kubernetesObjects(stack: Stack, files: RenderedFiles): KubeObject[] {
  if (stack.target.kind !== 'kubernetes') return [];
  return [
    ...prometheusRules(stack, files),
    ...scrapeConfigs(stack),
    ...dashboardConfigMaps(stack, files),
    ...alertmanagerConfigSecret(stack, files),
    ...jaegerObjects(stack),
    ...probeObjects(stack),
  ];
}

/** `<kind>-<name>.yaml` (lowercase kind) for each object: names are unique per kind, so paths are too. */
export function renderManifests(stack: Stack, files: RenderedFiles): RenderedFiles {
  const header = GENERATED_HEADER(stack.name);
  const out: RenderedFiles = {};
  for (const object of kubernetesObjects(stack, files)) {
    const file = `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
    if (out[file] !== undefined) throw new Error(`two ${object.kind} objects named "${object.metadata.name}"`);
    out[file] = toYaml(object, header);
  }
  return out;
}
