/**
 * Every workload the charts run has requests and limits, and the pods we configure run as non-root: read from the
 * chart values synth writes under helm/ (the values Helm gets). kube-prometheus-stack at the keys of its 67.8.0
 * values.yaml and its grafana, kube-state-metrics and prometheus-node-exporter subcharts; grafana/loki at the keys of
 * helm-loki-6.29.0 values.yaml (`<role>.resources`, `loki.podSecurityContext` for every Loki role,
 * `gateway.podSecurityContext` for the nginx gateway); grafana/alloy at the keys of helm-chart/1.11.1 values.yaml
 * (`alloy.resources`, `alloy.securityContext`, `configReloader.resources`).
 */
import type { CheckResult } from '../../check-result';
import { CHART_VALUES_FILE } from '../../render/kubernetes/chart-values';
import { LOKI_VALUES_FILE } from '../../render/kubernetes/loki';
import { ALLOY_VALUES_FILE } from '../../render/kubernetes/alloy';

export interface Workload {
  /** Where its `resources` sit in the values. */
  path: string;
  nonRoot: boolean;
  /** Where its pod security context sits, when not `<path>.securityContext`. */
  securityContext?: string;
}

/** Where each workload's `resources` (and, if we own it, pod `securityContext`) sit in the values. */
export const WORKLOADS: Workload[] = [
  { path: 'prometheus.prometheusSpec', nonRoot: true },
  { path: 'alertmanager.alertmanagerSpec', nonRoot: true },
  { path: 'prometheusOperator', nonRoot: true },
  { path: 'prometheusOperator.prometheusConfigReloader', nonRoot: false },
  { path: 'prometheusOperator.admissionWebhooks.patch', nonRoot: true },
  { path: 'grafana', nonRoot: true },
  { path: 'kube-state-metrics', nonRoot: false },
  { path: 'prometheus-node-exporter', nonRoot: false },
];

/** Loki's workloads follow its deployment mode: the single binary, or the three roles and the gateway. */
export function lokiWorkloads(values: unknown): Workload[] {
  const role = (path: string): Workload => ({ path, nonRoot: true, securityContext: 'loki.podSecurityContext' });
  if (at(values, 'deploymentMode') === 'SingleBinary') return [role('singleBinary')];
  return [role('read'), role('write'), role('backend'), { path: 'gateway', nonRoot: true, securityContext: 'gateway.podSecurityContext' }];
}

/** The Alloy chart: its container (`alloy.resources`, `alloy.securityContext`) and the config reloader sidecar. */
export const ALLOY_WORKLOADS: Workload[] = [
  { path: 'alloy', nonRoot: true },
  { path: 'configReloader', nonRoot: false },
];

/** The workloads of each values file synth writes. */
export const WORKLOADS_OF: Record<string, (values: unknown) => Workload[]> = {
  [CHART_VALUES_FILE]: () => WORKLOADS,
  [LOKI_VALUES_FILE]: lokiWorkloads,
  [ALLOY_VALUES_FILE]: () => ALLOY_WORKLOADS,
};

const at = (values: unknown, path: string): any => path.split('.').reduce((o: any, k) => (o && typeof o === 'object' ? o[k] : undefined), values);

export function workloadProblems(values: unknown, file: string): string[] {
  const problems: string[] = [];
  for (const w of (WORKLOADS_OF[file] ?? (() => []))(values)) {
    for (const key of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) {
      if (at(values, `${w.path}.resources.${key}`) === undefined) problems.push(`${file}: ${w.path}.resources.${key}: missing; expected a quantity`);
    }
    const context = `${w.securityContext ?? `${w.path}.securityContext`}.runAsNonRoot`;
    if (w.nonRoot && at(values, context) !== true) problems.push(`${file}: ${context}: is ${JSON.stringify(at(values, context))}; expected true`);
  }
  return problems;
}

/** One result over every chart's values file (file → parsed values). */
export function workloadCheck(valuesByFile: Record<string, unknown>): CheckResult {
  const files = Object.keys(valuesByFile).sort();
  const problems = files.flatMap((f) => workloadProblems(valuesByFile[f], f));
  const count = files.reduce((n, f) => n + (WORKLOADS_OF[f] ?? (() => []))(valuesByFile[f]).length, 0);
  return {
    name: `kubernetes workloads have requests, limits and non-root pods (${count} workloads in ${files.join(', ')})`,
    ok: problems.length === 0,
    detail: problems.join('\n') || undefined,
  };
}
