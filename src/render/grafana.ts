/**
 * Grafana: datasource provisioning (stable uids from DATASOURCE_UIDS, so dashboards and correlations can refer to
 * them) and grafana.ini (no anonymous access, no sign-up; the admin password comes from a file, see
 * GRAFANA_ADMIN_PASSWORD_FILE). Dashboards are rendered elsewhere and land under `grafana/dashboards/`.
 *
 * To extend a datasource (e.g. Loki derived fields, Jaeger traces-to-logs), add to its `*JsonData` function.
 */
import * as ini from 'ini';
import type { Stack } from '../schema';
import { AddressOf, CONTAINER_PORTS, dockerAddress } from '../jobs';
import { DATASOURCE_UIDS, DatasourceName } from '../datasources';
import { GRAFANA_CONFIG_DIR } from '../containers';
import { externalUrl } from '../links';
import { jaegerCorrelation, lokiCorrelation, prometheusCorrelation } from './correlation';

export interface DatasourceContext {
  stack: Stack;
  addressOf: AddressOf;
}

export interface ProvisionedDatasource {
  name: string;
  type: string;
  uid: string;
  access: 'proxy';
  url: string;
  isDefault: boolean;
  editable: boolean;
  jsonData: Record<string, unknown>;
}

export function prometheusJsonData({ stack }: DatasourceContext): Record<string, unknown> {
  return {
    httpMethod: 'POST',
    timeInterval: stack.prometheus.scrapeInterval,
    ...(stack.components.alertmanager.enabled ? { alertmanagerUid: DATASOURCE_UIDS.alertmanager } : {}),
    ...prometheusCorrelation(stack),
  };
}

export function lokiJsonData({ stack }: DatasourceContext): Record<string, unknown> {
  return { maxLines: 1000, ...lokiCorrelation(stack) };
}

export function jaegerJsonData({ stack }: DatasourceContext): Record<string, unknown> {
  return { ...jaegerCorrelation(stack) };
}

export function alertmanagerJsonData(_ctx: DatasourceContext): Record<string, unknown> {
  return { implementation: 'prometheus', handleGrafanaManagedAlerts: false };
}

interface DatasourceSpec {
  name: string;
  type: string;
  component: 'prometheus' | 'loki' | 'jaeger' | 'alertmanager';
  jsonData: (ctx: DatasourceContext) => Record<string, unknown>;
}

/** In provisioning order; Prometheus is the default datasource. */
export const DATASOURCES: Record<DatasourceName, DatasourceSpec> = {
  prometheus: { name: 'Prometheus', type: 'prometheus', component: 'prometheus', jsonData: prometheusJsonData },
  loki: { name: 'Loki', type: 'loki', component: 'loki', jsonData: lokiJsonData },
  jaeger: { name: 'Jaeger', type: 'jaeger', component: 'jaeger', jsonData: jaegerJsonData },
  alertmanager: { name: 'Alertmanager', type: 'alertmanager', component: 'alertmanager', jsonData: alertmanagerJsonData },
};

/** The datasources of the enabled components. */
export function grafanaDatasources(stack: Stack, addressOf: AddressOf = dockerAddress): ProvisionedDatasource[] {
  const ctx: DatasourceContext = { stack, addressOf };
  return (Object.keys(DATASOURCES) as DatasourceName[])
    .filter((name) => stack.components[DATASOURCES[name].component].enabled)
    .map((name) => {
      const spec = DATASOURCES[name];
      return {
        name: spec.name,
        type: spec.type,
        uid: DATASOURCE_UIDS[name],
        access: 'proxy',
        url: `http://${addressOf(spec.component, CONTAINER_PORTS[spec.component])}`,
        isDefault: name === 'prometheus',
        editable: false,
        jsonData: spec.jsonData(ctx),
      };
    });
}

/** `provisioning/datasources/datasources.yml`. Grafana expands `$VAR` in these files: write a literal `$` as `$$`. */
export function datasourcesFile(stack: Stack, addressOf: AddressOf = dockerAddress): object {
  return { apiVersion: 1, datasources: grafanaDatasources(stack, addressOf) };
}

/** grafana.ini: only what differs from Grafana's defaults or must never drift. */
export function grafanaIni(stack: Stack, header?: string): string {
  const g = stack.grafana;
  const grafanaUrl = externalUrl(stack, 'grafana');
  const settings = {
    paths: { provisioning: `${GRAFANA_CONFIG_DIR}/provisioning` },
    server: {
      http_port: CONTAINER_PORTS.grafana,
      // Links Grafana builds (and the ones notifications carry) use the address users open it at.
      ...(grafanaUrl ? { root_url: grafanaUrl } : {}),
    },
    // The password itself: GF_SECURITY_ADMIN_PASSWORD__FILE, set by the deployment to a secret file.
    security: {
      admin_user: g.adminUser,
      disable_gravatar: true,
      cookie_samesite: 'lax',
    },
    users: { allow_sign_up: false, allow_org_create: false },
    auth: { anonymous: { enabled: false } },
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
  };
  const comment = header ? `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n` : '';
  return comment + ini.stringify(settings, { whitespace: true });
}
