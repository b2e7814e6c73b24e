/**
 * blackbox.yml: one HTTP module per probe, named after it. Keys as the pinned blackbox_exporter v0.28.0 reads them
 * (config/config.go: `Module` prober/timeout/http, `HTTPProbe` method/valid_status_codes/preferred_ip_protocol;
 * it decodes with KnownFields(true), so an unknown key fails the exporter's start).
 */
import type { ProbeConfig, Stack } from '../schema';
import { probeTimeout } from '../jobs';

export function blackboxConfig(stack: Stack): object {
  return { modules: Object.fromEntries(stack.probes.map((p) => [p.name, probeModule(p, probeTimeout(stack, p))])) };
}

function probeModule(p: ProbeConfig, timeout: string): object {
  return {
    prober: 'http',
    timeout,
    http: {
      method: p.method,
      // Empty: any 2xx (prober/http.go accepts 200 <= code < 300 when valid_status_codes is empty).
      ...(p.expectStatus.length ? { valid_status_codes: p.expectStatus } : {}),
      // The exporter prefers IPv6 by default (then falls back); Docker networks and 127.0.0.1 are IPv4.
      preferred_ip_protocol: 'ip4',
    },
  };
}
