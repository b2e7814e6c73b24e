/** Grafana datasources of the stack: stable uids that dashboards and correlations refer to. */
export const DATASOURCE_UIDS = {
  prometheus: 'prometheus',
  loki: 'loki',
  jaeger: 'jaeger',
  alertmanager: 'alertmanager',
} as const;
export type DatasourceName = keyof typeof DATASOURCE_UIDS;
