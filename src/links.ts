/**
 * Where users reach the stack's UIs: the public URL a stack sets (`components.<name>.externalUrl`, e.g. behind a
 * reverse proxy) or else the published address on the host. Links that leave the stack use it: Prometheus'
 * `generatorURL` and Alertmanager's `.ExternalURL` (both `--web.external-url`; without it they point at the
 * container's hostname), Grafana's `root_url`, and the Grafana link in notifications. Pure, no Pulumi.
 */
import type { ComponentName, Stack } from './schema';

/** Components with a UI whose links appear in notifications or other UIs. */
export type LinkedComponent = 'prometheus' | 'alertmanager' | 'grafana';

/** Host part of a URL for a bind address: a wildcard address is reachable as localhost; IPv6 in brackets. */
export function urlHost(bindAddress: string): string {
  if (bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::' || bindAddress === '[::]') return '[::1]';
  return bindAddress.includes(':') && !bindAddress.startsWith('[') ? `[${bindAddress}]` : bindAddress;
}

/** `http://<host>:<port>/` of a published component, or undefined when it is not published. */
export function publishedUrl(stack: Stack, component: ComponentName): string | undefined {
  const c = stack.components[component];
  return c.enabled && c.publish ? `http://${urlHost(stack.bindAddress)}:${c.port}/` : undefined;
}

/** The URL users open the component at: the configured public URL, else the published one (undefined if neither). */
export function externalUrl(stack: Stack, component: LinkedComponent): string | undefined {
  const c = stack.components[component];
  if (!c.enabled) return undefined;
  return c.externalUrl ?? publishedUrl(stack, component);
}

/**
 * `--web.external-url` for Prometheus or Alertmanager, when there is a URL to give. `--web.route-prefix=/` keeps
 * every endpoint at the root even when the public URL has a path (a proxy serving `/prometheus/` strips it), so
 * healthchecks, datasources and the Alertmanager target stay as they are (cmd/prometheus/main.go and
 * cmd/alertmanager/main.go: the route prefix defaults to the external URL's path).
 */
export function externalUrlFlags(stack: Stack, component: 'prometheus' | 'alertmanager'): string[] {
  const url = externalUrl(stack, component);
  return url ? [`--web.external-url=${url}`, '--web.route-prefix=/'] : [];
}
