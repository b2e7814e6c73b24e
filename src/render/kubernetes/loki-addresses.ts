/**
 * Where Loki answers in the cluster, by the grafana/loki chart's Service names at helm-loki-6.29.0
 * (production/helm/loki/templates/_helpers.tpl):
 *  - single-binary: the single binary's Service (single-binary/service.yaml, `loki.singleBinaryFullname`) on Loki's
 *    HTTP port (values.yaml loki.server.http_listen_port, 3100);
 *  - simple-scalable: the gateway's Service (gateway/service-gateway.yaml, `loki.gatewayFullname`: loki.fullname +
 *    "-gateway") on gateway.service.port (80). Its nginx (`loki.nginxFile`) sends /loki/api/v1/push to the write
 *    Service, queries to read, and the ruler and compactor APIs to backend, so one address serves every client.
 * Both names are the release name when it contains "loki" (ours does), cut to 63 characters. Pure.
 */
import type { Stack } from '../../schema';
import { CONTAINER_PORTS } from '../../jobs';
import { kubeName, kubernetesTarget } from './objects';

/** values.yaml gateway.service.port at helm-loki-6.29.0. */
export const LOKI_GATEWAY_PORT = 80;

/** The release name; it contains "loki", so the chart names its objects after it (loki.fullname). */
export const lokiRelease = (stack: Stack) => kubeName(stack.name, 'loki');

/** loki.fullname (and loki.singleBinaryFullname) of our release: `trunc 63 | trimSuffix "-"`. */
export const lokiFullname = (stack: Stack) => lokiRelease(stack).slice(0, 63).replace(/-$/, '');

/** host:port of Loki's entry point for the mode. */
function lokiEntry(stack: Stack): string {
  const t = kubernetesTarget(stack);
  return t.loki.mode === 'simple-scalable'
    ? `${lokiFullname(stack)}-gateway.${t.namespace}:${LOKI_GATEWAY_PORT}`
    : `${lokiFullname(stack)}.${t.namespace}:${CONTAINER_PORTS.loki}`;
}

/** host:port Grafana queries Loki at (the Loki datasource). */
export const lokiQueryAddress = (stack: Stack): string => lokiEntry(stack);

/** host:port log collectors push to (`http://<address>/loki/api/v1/push`). */
export const lokiPushAddress = (stack: Stack): string => lokiEntry(stack);
