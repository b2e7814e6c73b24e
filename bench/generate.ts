/**
 * Generated stacks for the benchmark: `scaledStack(dev, k)` is the dev stack grown k times — 5·k scrape targets
 * (app services with catalog rule sets, Redis and PostgreSQL exporters), custom alerts of every typed kind until
 * the stack has 30·k alerting rules, 5·k log sources, 2·k teams with their receivers and routes.
 * Deterministic: the same k gives the same config.
 */
import type { AlertSpecInput, RuleSetName, StackInput } from '../src/schema';
import { validateStack } from '../src/load';
import { resolveAlerts } from '../src/alerts';

const APP_SETS: RuleSetName[][] = [
  ['http', 'ai', 'database', 'cache', 'websocket', 'system'],
  ['http', 'database', 'system'],
  ['http', 'cache', 'system'],
];

export const TARGETS_PER_UNIT = 5;
export const RULES_PER_UNIT = 30;

const pad = (n: number) => String(n).padStart(4, '0');

export function scaledStack(dev: StackInput, k: number): StackInput {
  const teams = Array.from({ length: 2 * k }, (_, i) => `team${pad(i)}`);
  const targets: NonNullable<StackInput['scrapeTargets']> = [];
  for (let i = 0; i < TARGETS_PER_UNIT * k; i++) {
    const team = teams[i % teams.length];
    const kind = i % 5;
    const host = `10.${Math.floor(i / 250)}.${i % 250}.10`;
    if (kind === 3) targets.push({ job: `redis${pad(i)}`, targets: [`${host}:9121`], ruleSets: ['redis'], labels: { team }, dropMetrics: ['go_.*'] });
    else if (kind === 4) targets.push({ job: `postgres${pad(i)}`, targets: [`${host}:9187`], ruleSets: ['postgres'], labels: { team }, dropMetrics: ['go_.*'] });
    else targets.push({ job: `svc${pad(i)}`, targets: [`${host}:8000`, `${host}:8001`], ruleSets: APP_SETS[kind], labels: { team } });
  }

  const base: StackInput = {
    ...dev,
    name: `dev${k}x`,
    scrapeTargets: targets,
    alerts: { ...dev.alerts, custom: [] },
    alertmanager: {
      ...dev.alertmanager,
      route: {
        ...dev.alertmanager.route,
        routes: [
          ...(dev.alertmanager.route.routes ?? []).slice(0, 1),
          ...teams.map((team) => ({
            matchers: [`team="${team}"`],
            receiver: `${team}-warning`,
            routes: [{ matchers: ['severity="critical"'], receiver: `${team}-critical`, repeatInterval: '1h' }],
          })),
          ...(dev.alertmanager.route.routes ?? []).slice(1),
        ],
      },
      receivers: [
        ...dev.alertmanager.receivers,
        ...teams.flatMap((team) => [
          { name: `${team}-warning`, webhook: [{ url: `http://alert-gateway.internal:8080/${team}/warning` }] },
          {
            name: `${team}-critical`,
            webhook: [{ url: { secret: 'pagerWebhookUrl' } }],
            email: [{ to: `${team}@example.com`, from: 'alertmanager@example.com', smarthost: 'smtp.example.com:587' }],
          },
        ]),
      ],
    },
    logs: {
      ...dev.logs,
      sources: Array.from({ length: TARGETS_PER_UNIT * k }, (_, i) => ({
        job: `logs${pad(i)}`,
        hostPath: `/var/log/apps/app${pad(i)}`,
        format: i % 3 === 2 ? ('plain' as const) : ('json' as const),
        labels: { team: teams[i % teams.length] },
      })),
    },
  };

  // Catalog rules the targets already bring; custom alerts fill up to RULES_PER_UNIT·k.
  const catalogRules = resolveAlerts(validateStack(base, 'bench')).reduce((n, g) => n + g.rules.length, 0);
  const apps = targets.filter((t) => t.ruleSets?.includes('http'));
  const custom: AlertSpecInput[] = [];
  for (let i = 0; custom.length < RULES_PER_UNIT * k - catalogRules; i++) custom.push(customAlert(i, apps[i % apps.length].job));
  return { ...base, alerts: { ...base.alerts, custom } };
}

/** One custom alert of a rotating kind on an app job. */
function customAlert(i: number, job: string): AlertSpecInput {
  const name = `Custom${pad(i)}`;
  const common = {
    name,
    jobs: [job],
    severity: (i % 3 === 0 ? 'critical' : 'warning') as 'critical' | 'warning',
    for: `${1 + (i % 10)}m`,
    summary: `{{ $labels.service }}: custom alert ${i}`,
    labels: { component: `part${i % 7}` },
  };
  switch (i % 5) {
    case 0:
      return {
        kind: 'ratio',
        ...common,
        numerator: { metric: 'http_requests_total', matchers: `status=~"5..",endpoint="/api/e${i % 20}"`, sample: { status: '500', endpoint: `/api/e${i % 20}` } },
        denominator: { metrics: ['http_requests_total'], matchers: `endpoint="/api/e${i % 20}"`, sample: { status: '200', endpoint: `/api/e${i % 20}` } },
        threshold: 0.02,
        description: '{{ $value | humanizePercentage }} of requests failed.',
      };
    case 1:
      return { kind: 'latency', ...common, histogram: 'http_request_duration_seconds', matchers: `endpoint="/api/e${i % 20}"`, quantile: 0.99, threshold: 1 + (i % 4) };
    case 2:
      return { kind: 'gauge', ...common, metric: 'system_memory_usage', op: '>', threshold: 70 + (i % 25), description: 'Memory at {{ $value | humanize }}%.' };
    case 3:
      return { kind: 'increase', ...common, metric: 'websocket_connection_failures_total', window: '10m', threshold: 5 + (i % 50) };
    default:
      return { kind: 'down', ...common, for: '2m' };
  }
}
