/**
 * The kube-prometheus-stack values we set (the typed subset), written to synth's
 * `helm/kube-prometheus-stack.values.yaml` for `helm install -f`. Every key is in the chart's values.yaml at the pinned
 * version (kube-prometheus-stack-67.8.0): defaultRules.create, grafana.defaultDashboardsEnabled,
 * grafana.sidecar.dashboards.{label,labelValue}, alertmanager.alertmanagerSpec.{replicas,useExistingSecret,secrets,
 * configSecret}, prometheus.prometheusSpec.{replicas,retention,ruleSelector,serviceMonitorSelector,podMonitorSelector,
 * scrapeConfigSelector,probeSelector}. A selector set here wins over `*SelectorNilUsesHelmValues` (templates/prometheus/prometheus.yaml).
 */
import deepmerge from 'deepmerge';
import type { Stack } from '../../schema';
import { kubernetesTarget } from './objects';
import { prometheusSelectors } from './selectors';
import { workloadValues } from './workloads';
import { datasourceValues } from './datasources';
import { remoteWriteValues } from './remote-write';
import { DASHBOARD_LABEL } from './dashboards';
import { alertmanagerConfigSecretName, alertmanagerSecretsName } from './alertmanager';

export const CHART_VALUES_FILE = 'helm/kube-prometheus-stack.values.yaml';

export type Values = Record<string, unknown>;

/**
 * Each concern (alerting, storage, datasources, resources...) contributes its own fragment of the values; they are
 * merged in order (objects deeply, arrays replaced), so a concern stays in its own module.
 */
const FRAGMENTS: ((stack: Stack) => Values)[] = [coreValues, workloadValues, datasourceValues, remoteWriteValues];

export function kubePrometheusStackValues(stack: Stack): Values {
  return deepmerge.all(FRAGMENTS.map((fragment) => fragment(stack)), { arrayMerge: (_, source) => source }) as Values;
}

function coreValues(stack: Stack): Values {
  const target = kubernetesTarget(stack);
  const [label, labelValue] = Object.entries(DASHBOARD_LABEL)[0];
  return {
    // The chart's own rules and dashboards: off by default, so the catalog is the single source.
    defaultRules: { create: target.chartDefaults.rules },
    grafana: { defaultDashboardsEnabled: target.chartDefaults.dashboards, sidecar: { dashboards: { enabled: true, label, labelValue } } },
    alertmanager: {
      alertmanagerSpec: {
        replicas: target.replicas.alertmanager,
        // Our Secret holds the config (no secret values); the chart's own config Secret is not used.
        useExistingSecret: true,
        configSecret: alertmanagerConfigSecretName(stack),
        secrets: [alertmanagerSecretsName(stack)],
      },
    },
    prometheus: {
      prometheusSpec: {
        replicas: target.replicas.prometheus,
        retention: target.retention ?? stack.prometheus.retentionTime,
        ...prometheusSelectors(stack),
      },
    },
  };
}
