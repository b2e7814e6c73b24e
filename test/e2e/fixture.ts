/**
 * The end-to-end stack, a fixture of its own (independent of stacks/*, which users edit): the seed application's
 * scrape targets (the demo app on 127.0.0.1 stands in for the backend and, on /exporters/<name>/metrics, for the
 * Redis and PostgreSQL exporters), a routing tree in which every route names a DIFFERENT receiver, so an alert
 * delivered to the wrong route (or to the root) is caught, and the seed inhibition rule. Changed for one machine:
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

/** The receivers of the fixture, one per route; the root's catches what no route matches. */
export const RECEIVERS = ['fallback', 'deadman', 'oncall', 'team-warnings'] as const;

/** The routing tree (also used by test/e2e/routing.test.ts). */
export const ROUTE: RouteConfig & { receiver: string } = {
  receiver: 'fallback',
  groupBy: ['alertname', 'service', 'severity'],
  groupWait: TIMINGS.groupWait,
  groupInterval: TIMINGS.groupInterval,
  repeatInterval: '1h',
  routes: [
    { matchers: ['alertname="Watchdog"'], receiver: 'deadman' },
    { matchers: ['severity="critical"'], receiver: 'oncall' },
    { matchers: ['severity="warning"'], receiver: 'team-warnings' },
  ],
};

export function e2eStackInput(ports: FixturePorts): StackInput {
  const demo = `127.0.0.1:${ports.demo}`;
  return {
    name: 'e2e',
    environment: 'e2e',
    bindAddress: '127.0.0.1',
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
    scrapeTargets: [
      { job: 'backend', targets: [demo], metricsPath: '/metrics', labels: { service: 'backend', team: 'chat' }, ruleSets: ['http', 'ai', 'database', 'cache', 'websocket', 'system'] },
      { job: 'redis', targets: [demo], metricsPath: '/exporters/redis/metrics', ruleSets: ['redis'] },
      { job: 'postgres', targets: [demo], metricsPath: '/exporters/postgres/metrics', ruleSets: ['postgres'] },
    ],
    alerts: {
      overrides: Object.fromEntries(
        Object.entries(FOR).map(([name, f]) => [name, { for: f, ...(name in WINDOW ? { window: WINDOW[name as keyof typeof WINDOW] } : {}) }]),
      ),
    },
    alertmanager: {
      route: ROUTE,
      receivers: RECEIVERS.map((name) => ({ name, webhook: [{ url: `http://127.0.0.1:${ports.sink}/${name}`, sendResolved: true }] })),
      // A critical alert silences the warning of the same alert on the same service (the seed's rule).
      inhibitRules: [{ sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname', 'service'] }],
    },
  };
}
