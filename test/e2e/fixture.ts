/**
 * The end-to-end stack: the dev stack (stacks/dev.ts) with its scrape targets, routing tree and inhibition rules,
 * changed only where a test on one machine needs it:
 *  - every scrape target points at the demo app on 127.0.0.1 (the redis/postgres jobs at its simulated exporters);
 *  - Grafana, Loki, Promtail and Jaeger are disabled, so every scrape target is really up;
 *  - 1 s scrape and evaluation intervals, short `for` on the alerts the test provokes, short group timings;
 *  - every receiver is a plain-URL webhook to the sink at /<receiver name>.
 */
import type { RouteConfig, StackInput } from '../../src/schema';

export interface FixturePorts {
  demo: number;
  sink: number;
}

/** `for` of the alerts the test provokes (the catalog's are minutes). */
export const FOR = {
  HttpServerErrorRatioHigh: '5s',
  HttpLatencyP95High: '5s',
  RedisDown: '2s',
  CacheMissRatioHigh: '5s',
} as const;

/** Rate windows shortened per stack (`alerts.overrides.<name>.window`), so the alert also resolves within seconds. */
export const WINDOW = {
  HttpServerErrorRatioHigh: '10s',
} as const;

export const TIMINGS = {
  scrapeInterval: '1s',
  evaluationInterval: '1s',
  groupWait: '1s',
  groupInterval: '2s',
} as const;

export function e2eStackInput(dev: StackInput, ports: FixturePorts): StackInput {
  const demo = `127.0.0.1:${ports.demo}`;
  const stripTimings = (r: RouteConfig): RouteConfig => ({
    ...r,
    groupWait: undefined,
    groupInterval: undefined,
    routes: (r.routes ?? []).map(stripTimings),
  });
  return {
    ...dev,
    name: 'e2e',
    environment: 'e2e',
    components: {
      grafana: { enabled: false },
      loki: { enabled: false },
      promtail: { enabled: false },
      jaeger: { enabled: false },
    },
    prometheus: {
      scrapeInterval: TIMINGS.scrapeInterval,
      scrapeTimeout: TIMINGS.scrapeInterval,
      evaluationInterval: TIMINGS.evaluationInterval,
      retentionTime: '1h',
    },
    scrapeTargets: (dev.scrapeTargets ?? []).map((t) => {
      // The demo app stands in for the backend and, on /exporters/<name>/metrics, for the dependency exporters.
      const exporter = (['redis', 'postgres'] as const).find((dep) => t.ruleSets?.includes(dep));
      return { ...t, targets: [demo], metricsPath: exporter ? `/exporters/${exporter}/metrics` : '/metrics', interval: undefined, timeout: undefined };
    }),
    alerts: {
      ...dev.alerts,
      overrides: {
        ...(dev.alerts?.overrides ?? {}),
        ...Object.fromEntries(
          Object.entries(FOR).map(([name, f]) => [
            name,
            { ...(dev.alerts?.overrides?.[name] ?? {}), for: f, ...(name in WINDOW ? { window: WINDOW[name as keyof typeof WINDOW] } : {}) },
          ]),
        ),
      },
    },
    alertmanager: {
      ...dev.alertmanager,
      route: {
        ...dev.alertmanager.route,
        groupWait: TIMINGS.groupWait,
        groupInterval: TIMINGS.groupInterval,
        repeatInterval: '1h',
        routes: ((dev.alertmanager.route.routes ?? []) as RouteConfig[]).map(stripTimings),
      },
      receivers: dev.alertmanager.receivers.map((r) => ({
        name: r.name,
        webhook: [{ url: `http://127.0.0.1:${ports.sink}/${r.name}`, sendResolved: true }],
      })),
    },
  };
}
