/**
 * Grafana datasources on the Kubernetes target: the Docker provisioning renderer's datasources (same uids, same
 * jsonData, so the Loki → Jaeger derived field, Jaeger traces-to-logs and Prometheus → Alertmanager links are
 * identical), only the URLs become in-cluster Service names. A kube-prometheus-stack values fragment.
 *
 * Keys verified at kube-prometheus-stack 67.8.0 (prometheus-community/helm-charts,
 * charts/kube-prometheus-stack/templates/grafana/_helpers.tpl `kube-prometheus-stack.datasources`):
 * `grafana.sidecar.datasources.defaultDatasourceEnabled: false` drops the chart's own Prometheus datasource and
 * `grafana.sidecar.datasources.alertmanager.enabled: false` its Alertmanager one, so ours are the only ones and keep
 * their uids; `grafana.additionalDataSources` is appended to the sidecar's datasource list.
 */
import type { ComponentName, Stack } from '../../schema';
import type { AddressOf } from '../../jobs';
import { grafanaDatasources } from '../grafana';
import { kubernetesTarget } from './objects';

/**
 * kube-prometheus-stack's `kube-prometheus-stack.fullname` (templates/_helpers.tpl at 67.8.0): the release name if it
 * contains the chart name, else `<release>-kube-prometheus-stack`, truncated to 26 characters, trailing "-" trimmed.
 */
export function kpsFullname(release: string): string {
  const chart = 'kube-prometheus-stack';
  const name = release.includes(chart) ? release : `${release}-${chart}`;
  return name.slice(0, 26).replace(/-+$/, '');
}

/**
 * The Services of the components: the chart's `<fullname>-prometheus` / `<fullname>-alertmanager` (the URLs the
 * chart's own datasources use, same template); Loki and Jaeger by the Service names their releases/objects take.
 */
export const LOKI_SERVICE = 'loki';
export const JAEGER_SERVICE = 'jaeger';

export function kubernetesAddress(stack: Stack): AddressOf {
  const target = kubernetesTarget(stack);
  const fullname = kpsFullname(target.release);
  const services: Partial<Record<ComponentName, string>> = {
    prometheus: `${fullname}-prometheus`,
    alertmanager: `${fullname}-alertmanager`,
    loki: LOKI_SERVICE,
    jaeger: JAEGER_SERVICE,
  };
  return (component, port) => {
    const service = services[component];
    if (service === undefined) throw new Error(`no Kubernetes Service for component "${component}"`);
    return `${service}.${target.namespace}:${port}`;
  };
}

/**
 * The values fragment. `additionalDataSources` goes through Helm's `tpl`, so a `{{` in any value would be executed
 * as a template: refuse rather than ship a datasource Helm would rewrite.
 */
export function datasourceValues(stack: Stack): Record<string, unknown> {
  const additionalDataSources = grafanaDatasources(stack, kubernetesAddress(stack));
  if (JSON.stringify(additionalDataSources).includes('{{')) {
    throw new Error('a Grafana datasource value holds "{{", which Helm tpl would execute');
  }
  return {
    grafana: {
      sidecar: { datasources: { defaultDatasourceEnabled: false, alertmanager: { enabled: false } } },
      additionalDataSources,
    },
  };
}
