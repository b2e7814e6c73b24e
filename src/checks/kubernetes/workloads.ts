/**
 * Every workload kube-prometheus-stack and the Alloy chart run has requests and limits, and the pods we configure
 * run as non-root: read from the chart values synth writes (the values Helm gets), at the keys of
 * kube-prometheus-stack-67.8.0 values.yaml and its grafana, kube-state-metrics and prometheus-node-exporter
 * subcharts, and of grafana/alloy helm-chart/1.11.1 values.yaml.
 */
import type { CheckResult } from '../../check-result';

/** Where each workload's `resources` (and, if we own it, pod `securityContext`) sit in the values. */
export const WORKLOADS: { path: string; nonRoot: boolean }[] = [
  { path: 'prometheus.prometheusSpec', nonRoot: true },
  { path: 'alertmanager.alertmanagerSpec', nonRoot: true },
  { path: 'prometheusOperator', nonRoot: true },
  { path: 'prometheusOperator.prometheusConfigReloader', nonRoot: false },
  { path: 'prometheusOperator.admissionWebhooks.patch', nonRoot: true },
  { path: 'grafana', nonRoot: true },
  { path: 'kube-state-metrics', nonRoot: false },
  { path: 'prometheus-node-exporter', nonRoot: false },
];

/** The Alloy chart: its container (`alloy.resources`, `alloy.securityContext`) and the config reloader sidecar. */
export const ALLOY_WORKLOADS: { path: string; nonRoot: boolean }[] = [
  { path: 'alloy', nonRoot: true },
  { path: 'configReloader', nonRoot: false },
];

const at = (values: unknown, path: string): any => path.split('.').reduce((o: any, k) => (o && typeof o === 'object' ? o[k] : undefined), values);

export function workloadProblems(values: unknown, file: string, workloads = WORKLOADS): string[] {
  const problems: string[] = [];
  for (const w of workloads) {
    for (const key of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) {
      if (at(values, `${w.path}.resources.${key}`) === undefined) problems.push(`${file}: ${w.path}.resources.${key}: missing; expected a quantity`);
    }
    if (w.nonRoot && at(values, `${w.path}.securityContext.runAsNonRoot`) !== true) {
      problems.push(`${file}: ${w.path}.securityContext.runAsNonRoot: is ${JSON.stringify(at(values, `${w.path}.securityContext.runAsNonRoot`))}; expected true`);
    }
  }
  return problems;
}

export function workloadCheck(values: unknown, file: string, workloads = WORKLOADS): CheckResult {
  const problems = workloadProblems(values, file, workloads);
  return {
    name: `kubernetes workloads have requests, limits and non-root pods (${file}: ${workloads.length} workloads)`,
    ok: problems.length === 0,
    detail: problems.join('\n') || undefined,
  };
}
