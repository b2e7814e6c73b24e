/**
 * The alert catalog from the seed documents. Each rule set belongs to a metric family; a scrape target that lists
 * the family in `ruleSets` is watched by its rules. The `stack` set watches the monitoring stack itself.
 *
 * Metric names come from src/metrics.ts (`metric(family, name)`), the one place each family's metrics are defined.
 *
 * Stacks change a rule without copying it: `alerts.overrides.<AlertName>` sets `enabled`, `for`, `threshold`
 * (single-severity alerts), `thresholds` (tiered alerts, per severity), `window` (ratio, latency and increase
 * alerts), `severity`, extra `labels`, `summary`, `description`, `runbookUrl` or extra `annotations`.
 *
 * Texts say `{threshold}`, `{for}` and `{window}` where they name those values: each rule (and each severity tier)
 * shows its effective value after overrides, a ratio as a percentage and a latency as a duration.
 */
import type { AlertSpecInput, RuleSetName } from '../src/schema';
import { componentMetric, metric, probeMetric } from '../src/metrics';

export type Severity = 'critical' | 'warning' | 'info';

/** A catalog alert: a spec without jobs (filled in per stack) and, for tiered alerts, a threshold per severity. */
export interface CatalogAlert {
  spec: DistributiveOmit<AlertSpecInput, 'jobs'>;
  /** Same alert name at several severities (critical inhibits warning for the same service). */
  tiers?: Partial<Record<Severity, number>>;
  /** Which jobs the alert watches: the rule set's jobs (default), every job, one component's job, or the probes' jobs. */
  scope?: 'ruleSet' | 'allJobs' | 'prometheus' | 'alertmanager' | 'probes';
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type CatalogGroup = RuleSetName | 'stack' | 'probes';

const httpRequests = metric('http', 'http_requests_total');

export const CATALOG: Record<CatalogGroup, CatalogAlert[]> = {
  http: [
    {
      spec: {
        kind: 'ratio',
        name: 'HttpServerErrorRatioHigh',
        severity: 'critical',
        numerator: { metric: httpRequests, matchers: 'status=~"5.."', sample: { status: '503', method: 'GET', endpoint: '/api/chat' } },
        denominator: { metrics: [httpRequests], sample: { status: '200', method: 'GET', endpoint: '/api/chat' } },
        threshold: 0.01,
        for: '5m',
        summary: '{{ $labels.service }}: more than {threshold} of HTTP requests fail with 5xx',
        description: '{{ $value | humanizePercentage }} of requests to {{ $labels.service }} returned 5xx over the last {window}; above {threshold} for {for}.',
      },
    },
    {
      spec: {
        kind: 'ratio',
        name: 'HttpClientErrorRatioHigh',
        severity: 'warning',
        numerator: { metric: httpRequests, matchers: 'status=~"4.."', sample: { status: '404', method: 'GET', endpoint: '/api/chat' } },
        denominator: { metrics: [httpRequests], sample: { status: '200', method: 'GET', endpoint: '/api/chat' } },
        threshold: 0.05,
        for: '5m',
        summary: '{{ $labels.service }}: more than {threshold} of HTTP requests fail with 4xx',
        description: '{{ $value | humanizePercentage }} of requests to {{ $labels.service }} returned 4xx over the last {window}; above {threshold} for {for}.',
      },
    },
    {
      spec: {
        kind: 'latency',
        name: 'HttpLatencyP95High',
        histogram: metric('http', 'http_request_duration_seconds'),
        quantile: 0.95,
        threshold: 2,
        for: '5m',
        summary: '{{ $labels.service }}: p95 HTTP latency above {threshold}',
        description: 'p95 latency of {{ $labels.service }} is {{ $value | humanizeDuration }} over the last {window}; above {threshold} for {for}.',
      },
      tiers: { warning: 2, critical: 5 },
    },
    // Seed 000 "Informacyjne": informational alerts go to a low-noise receiver (severity="info"), never paging.
    {
      spec: {
        kind: 'latency',
        name: 'HttpLongOperations',
        severity: 'info',
        histogram: metric('http', 'http_request_duration_seconds'),
        quantile: 0.99,
        threshold: 1,
        for: '10m',
        summary: '{{ $labels.service }}: the slowest requests take longer than {threshold}',
        description: 'p99 latency of {{ $labels.service }} is {{ $value | humanizeDuration }} over the last {window}; above {threshold} for {for}.',
      },
    },
  ],
  ai: [
    {
      spec: {
        kind: 'increase',
        name: 'AiUsage',
        severity: 'info',
        metric: metric('ai', 'ai_tokens_total'),
        window: '1h',
        threshold: 100_000,
        for: '0s',
        sample: { model: 'llama3', type: 'completion' },
        summary: '{{ $labels.service }}: more than {threshold} AI tokens in the last {window}',
        description: '{{ $value | humanize }} {{ $labels.type }} tokens of model {{ $labels.model }} in the last {window}.',
      },
    },
    {
      spec: {
        kind: 'ratio',
        name: 'AiGenerationErrorRatioHigh',
        severity: 'warning',
        numerator: { metric: metric('ai', 'ai_requests_total'), matchers: 'status="error"', sample: { status: 'error', model: 'llama3' } },
        denominator: { metrics: [metric('ai', 'ai_requests_total')], sample: { status: 'success', model: 'llama3' } },
        threshold: 0.05,
        for: '5m',
        summary: '{{ $labels.service }}: AI generation errors above {threshold}',
        description: '{{ $value | humanizePercentage }} of AI requests of {{ $labels.service }} failed over the last {window}; above {threshold} for {for}.',
      },
    },
    {
      // Seed 003: "AI service unavailable for 2 minutes". The app's health gauge fires it 2 minutes (plus at most one
      // evaluation) into an outage, with or without traffic; a ratio of failed requests needs its rate window on
      // top of `for` and is 0/0 when requests stop.
      spec: {
        kind: 'down',
        name: 'AiServiceDown',
        metric: metric('ai', 'ai_up'),
        severity: 'critical',
        for: '2m',
        summary: '{{ $labels.service }}: the AI service is down',
        description: '{{ $labels.service }} has not reached its AI model backend for {for}.',
      },
    },
    {
      // For apps without the health gauge: every AI request failing (needs traffic; slower by the rate window).
      spec: {
        kind: 'ratio',
        name: 'AiRequestsAllFailing',
        severity: 'critical',
        numerator: { metric: metric('ai', 'ai_requests_total'), matchers: 'status="error"', sample: { status: 'error', model: 'llama3' } },
        denominator: { metrics: [metric('ai', 'ai_requests_total')], sample: { status: 'success', model: 'llama3' } },
        op: '>=',
        threshold: 1,
        window: '2m',
        for: '2m',
        summary: '{{ $labels.service }}: every AI request fails',
        description: '{{ $value | humanizePercentage }} of the AI requests of {{ $labels.service }} failed over the last {window}, for {for}.',
      },
    },
  ],
  database: [
    {
      spec: {
        kind: 'latency',
        name: 'DatabaseQueryLatencyHigh',
        histogram: metric('database', 'db_query_duration_seconds'),
        quantile: 0.95,
        severity: 'warning',
        threshold: 0.5,
        for: '10m',
        summary: '{{ $labels.service }}: p95 database query time above {threshold}',
        description: 'p95 database query time of {{ $labels.service }} is {{ $value | humanizeDuration }} over the last {window}; above {threshold} for {for}.',
      },
    },
    {
      spec: {
        kind: 'gauge',
        name: 'DatabaseConnectionsHigh',
        metric: metric('database', 'db_connections'),
        severity: 'warning',
        op: '>',
        threshold: 80,
        for: '5m',
        sample: { database: 'postgres' },
        summary: '{{ $labels.service }}: more than {threshold} database connections',
        description: '{{ $labels.service }} holds {{ $value | humanize }} connections to {{ $labels.database }} (above {threshold} for {for}).',
      },
    },
  ],
  cache: [
    {
      spec: {
        kind: 'ratio',
        name: 'CacheMissRatioHigh',
        severity: 'warning',
        numerator: { metric: metric('cache', 'cache_misses_total'), sample: { cache: 'redis' } },
        denominator: { metrics: [metric('cache', 'cache_hits_total'), metric('cache', 'cache_misses_total')], sample: { cache: 'redis' } },
        threshold: 0.5,
        for: '10m',
        summary: '{{ $labels.service }}: cache miss rate above {threshold}',
        description: '{{ $value | humanizePercentage }} of cache lookups of {{ $labels.service }} missed over the last {window}; above {threshold} for {for}.',
      },
    },
  ],
  websocket: [
    {
      spec: {
        kind: 'ratio',
        name: 'WebsocketConnectionFailureRatioHigh',
        severity: 'warning',
        numerator: { metric: metric('websocket', 'websocket_connection_failures_total') },
        denominator: { metrics: [metric('websocket', 'websocket_connection_attempts_total')] },
        threshold: 0.1,
        for: '5m',
        summary: '{{ $labels.service }}: more than {threshold} of WebSocket connections fail',
        description: '{{ $value | humanizePercentage }} of WebSocket connection attempts to {{ $labels.service }} failed over the last {window}; above {threshold} for {for}.',
      },
    },
  ],
  system: [
    {
      spec: {
        kind: 'gauge',
        name: 'CpuUsageHigh',
        metric: metric('system', 'system_cpu_usage'),
        threshold: 60,
        for: '5m',
        summary: '{{ $labels.service }}: CPU usage above {threshold}%',
        description: 'CPU usage on {{ $labels.instance }} is {{ $value | humanize }}% (above {threshold}% for {for}).',
      },
      tiers: { warning: 60, critical: 80 },
    },
    {
      spec: {
        kind: 'gauge',
        name: 'MemoryUsageHigh',
        metric: metric('system', 'system_memory_usage'),
        threshold: 60,
        for: '5m',
        summary: '{{ $labels.service }}: memory usage above {threshold}%',
        description: 'Memory usage on {{ $labels.instance }} is {{ $value | humanize }}% (above {threshold}% for {for}).',
      },
      tiers: { warning: 60, critical: 80 },
    },
    {
      spec: {
        kind: 'gauge',
        name: 'DiskUsageHigh',
        metric: metric('system', 'system_disk_usage'),
        threshold: 85,
        for: '10m',
        summary: '{{ $labels.service }}: disk usage above {threshold}%',
        description: 'Disk usage on {{ $labels.instance }} is {{ $value | humanize }}% (above {threshold}% for {for}).',
      },
      tiers: { warning: 85, critical: 95 },
    },
  ],
  users: [
    {
      spec: {
        kind: 'increase',
        name: 'NewUserRegistrations',
        severity: 'info',
        metric: metric('users', 'user_registrations_total'),
        window: '1h',
        for: '0s',
        summary: '{{ $labels.service }}: new users registered',
        description: '{{ $value | humanize }} users registered with {{ $labels.service }} in the last {window}.',
      },
    },
    {
      spec: {
        kind: 'increase',
        name: 'UserActivity',
        severity: 'info',
        metric: metric('users', 'user_logins_total'),
        matchers: 'status="success"',
        window: '1h',
        threshold: 100,
        for: '0s',
        sample: { status: 'success' },
        summary: '{{ $labels.service }}: more than {threshold} logins in the last {window}',
        description: '{{ $value | humanize }} successful logins to {{ $labels.service }} in the last {window}.',
      },
    },
  ],
  redis: [
    {
      spec: {
        kind: 'down',
        name: 'RedisDown',
        metric: metric('redis', 'redis_up'),
        severity: 'critical',
        for: '1m',
        summary: 'Redis is down',
        description: 'The Redis exporter {{ $labels.instance }} has not reached Redis for {for}.',
      },
    },
    {
      // Seed 000 "Zmiany w cache" (informational): Redis dropping keys because maxmemory is reached changes what
      // the cache holds; worth a note, not a page.
      spec: {
        kind: 'increase',
        name: 'CacheEvictions',
        severity: 'info',
        metric: metric('redis', 'redis_evicted_keys_total'),
        window: '1h',
        for: '0s',
        summary: 'Redis evicts keys',
        description: '{{ $value | humanize }} keys evicted by Redis {{ $labels.instance }} in the last {window} (maxmemory reached).',
      },
    },
  ],
  postgres: [
    {
      spec: {
        kind: 'down',
        name: 'PostgresDown',
        metric: metric('postgres', 'pg_up'),
        severity: 'critical',
        for: '1m',
        summary: 'PostgreSQL is down',
        description: 'The PostgreSQL exporter {{ $labels.instance }} has not reached the database for {for}.',
      },
    },
  ],
  stack: [
    {
      scope: 'allJobs',
      spec: {
        kind: 'down',
        name: 'TargetDown',
        severity: 'warning',
        for: '5m',
        summary: 'Scrape target {{ $labels.instance }} of {{ $labels.job }} is down',
        description: 'Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for {for}.',
      },
    },
    {
      scope: 'prometheus',
      spec: {
        kind: 'increase',
        name: 'PrometheusRuleEvaluationFailures',
        metric: componentMetric('prometheus', 'prometheus_rule_evaluation_failures_total'),
        severity: 'critical',
        for: '0s',
        sample: { rule_group: '/etc/prometheus/rules/http.yml;http' },
        summary: 'Prometheus fails to evaluate rules',
        description: '{{ $value | humanize }} rule evaluations failed in group {{ $labels.rule_group }} in the last {window}.',
      },
    },
    {
      scope: 'prometheus',
      spec: {
        kind: 'gauge',
        name: 'PrometheusConfigReloadFailed',
        metric: componentMetric('prometheus', 'prometheus_config_last_reload_successful'),
        op: '==',
        threshold: 0,
        severity: 'warning',
        for: '10m',
        summary: 'Prometheus configuration reload failed',
        description: 'The last configuration reload of Prometheus {{ $labels.instance }} failed; it runs on the previous config (for {for}).',
      },
    },
    {
      scope: 'alertmanager',
      spec: {
        kind: 'increase',
        name: 'AlertmanagerNotificationsFailing',
        metric: componentMetric('alertmanager', 'alertmanager_notifications_failed_total'),
        severity: 'critical',
        for: '0s',
        sample: { integration: 'email' },
        summary: 'Alertmanager fails to send notifications via {{ $labels.integration }}',
        description: '{{ $value | humanize }} notifications via {{ $labels.integration }} failed in the last {window}.',
      },
    },
    {
      scope: 'alertmanager',
      spec: {
        kind: 'gauge',
        name: 'AlertmanagerConfigReloadFailed',
        metric: componentMetric('alertmanager', 'alertmanager_config_last_reload_successful'),
        op: '==',
        threshold: 0,
        severity: 'warning',
        for: '10m',
        summary: 'Alertmanager configuration reload failed',
        description: 'The last configuration reload of Alertmanager {{ $labels.instance }} failed; it runs on the previous config (for {for}).',
      },
    },
    {
      scope: 'prometheus',
      spec: {
        kind: 'raw',
        name: 'Watchdog',
        severity: 'info',
        expr: 'vector(1)',
        for: '0s',
        summary: 'Watchdog: the alerting pipeline is alive',
        description: 'Always firing. Route it to a dead man\'s switch: if it stops arriving, alerting is broken.',
        test: { firing: [{ series: 'up{job="prometheus"}', values: '1x10' }] },
      },
    },
  ],
  // The stack's `probes` (blackbox exporter): a health endpoint that fails is an outage, so critical after a minute.
  probes: [
    {
      scope: 'probes',
      spec: {
        kind: 'down',
        name: 'ProbeFailed',
        metric: probeMetric('probe_success'),
        severity: 'critical',
        for: '1m',
        summary: '{{ $labels.service }}: {{ $labels.instance }} fails its health probe',
        description: 'The blackbox exporter has had no successful response from {{ $labels.instance }} (probe {{ $labels.job }}) for {for}.',
      },
    },
  ],
};

/**
 * The no-data guard (seed fidelity): for every family a scrape target declares, fires when the target is up but the
 * family's key metric (metrics/families.ts, FAMILY_KEY_METRICS) is missing; labels `job` and `family`. One rule per
 * target and family is generated (src/no-data.ts). Overrides: `enabled`, `for`, `severity`, `labels` and the texts.
 */
export const NO_DATA_ALERT = {
  name: 'MetricsMissing',
  severity: 'warning' as Severity,
  for: '10m',
  summary: (family: string) => `{{ $labels.job }} exports no ${family} metrics`,
  description: (family: string, keyMetric: string) =>
    `{{ $labels.instance }} (job {{ $labels.job }}) is up but has not exported ${keyMetric} for {for}: ` +
    `the alerts of the ${family} family cannot fire. Check the metric names (scrapeTargets[].metrics).`,
};

/** Every catalog alert name, for override validation. */
export function catalogAlertNames(): Map<string, CatalogAlert> {
  const out = new Map<string, CatalogAlert>();
  for (const alerts of Object.values(CATALOG)) for (const a of alerts) out.set(a.spec.name, a);
  // Thresholdless and windowless, like a `down` alert: validated as one.
  const { name, severity } = NO_DATA_ALERT;
  out.set(name, { spec: { kind: 'down', name, severity, for: NO_DATA_ALERT.for } });
  return out;
}
