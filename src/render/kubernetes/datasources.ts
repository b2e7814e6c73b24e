/**
 * Grafana's datasources on the cluster: the Docker renderer's (src/render/grafana.ts: same uids, same jsonData and
 * correlations) for the components the cluster runs, with in-cluster Service addresses, as kube-prometheus-stack's
 * `grafana.additionalDataSources`. The chart's own Prometheus and Alertmanager datasources are turned off so the uids
 * are ours alone (kube-prometheus-stack-67.8.0 values.yaml grafana.sidecar.datasources.{defaultDatasourceEnabled,
 * alertmanager.enabled}; templates/grafana/configmaps-datasources.yaml renders additionalDataSources through `tpl`,
 * so a `{{` in them would be a Helm template: refused here). Service names from templates/_helpers.tpl
 * (kube-prometheus-stack.fullname: the release name, plus "-kube-prometheus-stack" unless it contains it,
 * truncated to 26) and templates/prometheus/service.yaml, alertmanager/service.yaml (ports 9090, 9093). Pure.
 */
import type { Stack } from '../../schema';
import type { AddressOf } from '../../jobs';
import { grafanaDatasources, ProvisionedDatasource } from '../grafana';
import { kubernetesTarget } from './objects';
import { lokiQueryAddress } from './loki-addresses';
import { jaegerServiceAddress } from './jaeger';
import type { Values } from './chart-values';

/** kube-prometheus-stack.fullname for a release. */
export function kubePrometheusStackFullname(release: string): string {
  const name = 'kube-prometheus-stack';
  return (release.includes(name) ? release : `${release}-${name}`).slice(0, 26).replace(/-+$/, '');
}

/** The components the cluster runs: kube-prometheus-stack's, Loki from its own chart, and Jaeger. */
const ON_CLUSTER = new Set(['prometheus', 'alertmanager', 'grafana', 'loki', 'jaeger']);

export function clusterDatasources(stack: Stack): ProvisionedDatasource[] {
  const t = kubernetesTarget(stack);
  const full = kubePrometheusStackFullname(t.release);
  const addressOf: AddressOf = (component, port) =>
    component === 'loki' ? lokiQueryAddress(stack) : component === 'jaeger' ? jaegerServiceAddress(stack, port) : `${full}-${component}.${t.namespace}:${port}`;
  const components = Object.fromEntries(
    Object.entries(stack.components).map(([name, c]) => [name, ON_CLUSTER.has(name) ? c : { ...c, enabled: false }]),
  ) as Stack['components'];
  const datasources = grafanaDatasources({ ...stack, components }, addressOf);
  const templated = datasources.filter((d) => JSON.stringify(d).includes('{{'));
  if (templated.length) throw new Error(`datasource ${templated[0].name} holds "{{", which Helm's tpl would expand`);
  return datasources;
}

export function datasourceValues(stack: Stack): Values {
  return {
    grafana: {
      sidecar: { datasources: { defaultDatasourceEnabled: false, alertmanager: { enabled: false } } },
      additionalDataSources: clusterDatasources(stack),
    },
  };
}
