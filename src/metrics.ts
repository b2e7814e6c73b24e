/**
 * The metric names every metric family (and every stack component) provides: the one place they are defined.
 * A scrape target that lists a family in `ruleSets` promises to export that family's metrics; the alert catalog,
 * the dashboards and the demo app all take their metric names from here, and the dashboard check rejects a panel
 * that queries a metric no configured target provides.
 */
import type { ComponentName, RuleSetName, Stack } from './schema';
import { scrapeJobs } from './jobs';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  type: MetricType;
  help: string;
  /** Label names the series carry (besides job/instance and the target's extra labels). */
  labels: readonly string[];
  /** Histogram bucket boundaries (seconds or bytes), for exporters that want the recommended ones. */
  buckets?: readonly number[];
}

const counter = (help: string, ...labels: string[]): MetricDef => ({ type: 'counter', help, labels });
const gauge = (help: string, ...labels: string[]): MetricDef => ({ type: 'gauge', help, labels });
const histogram = (help: string, buckets: number[], ...labels: string[]): MetricDef => ({ type: 'histogram', help, labels, buckets });

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const AI_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
const SIZE_BUCKETS = [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

/** Application metric families, by rule set name (names as exported, histograms by their base name). */
export const METRIC_FAMILIES = {
  http: {
    http_requests_total: counter('HTTP requests', 'method', 'endpoint', 'status'),
    http_request_duration_seconds: histogram('HTTP request duration in seconds', LATENCY_BUCKETS, 'method', 'endpoint'),
    http_response_size_bytes: histogram('HTTP response body size in bytes', SIZE_BUCKETS, 'method', 'endpoint'),
    active_users: gauge('Currently active users'),
  },
  ai: {
    ai_requests_total: counter('AI generation requests by model and outcome (status="success"|"error")', 'model', 'status'),
    ai_request_duration_seconds: histogram('AI generation time in seconds', AI_BUCKETS, 'model'),
    ai_tokens_total: counter('AI tokens used (type="prompt"|"completion")', 'model', 'type'),
    ai_cache_hits_total: counter('AI responses served from the response cache', 'model'),
    ai_cache_misses_total: counter('AI requests the response cache could not serve', 'model'),
  },
  database: {
    db_queries_total: counter('Database queries', 'operation'),
    db_query_duration_seconds: histogram('Database query duration in seconds', LATENCY_BUCKETS, 'operation'),
    db_connections: gauge('Open database connections of the pool', 'database'),
  },
  cache: {
    cache_hits_total: counter('Cache hits', 'cache'),
    cache_misses_total: counter('Cache misses', 'cache'),
  },
  websocket: {
    websocket_connections_active: gauge('Open WebSocket connections'),
    websocket_connection_attempts_total: counter('WebSocket connection attempts'),
    websocket_connection_failures_total: counter('WebSocket connection attempts that failed'),
  },
  system: {
    system_cpu_usage: gauge('CPU usage in percent (0-100)'),
    system_memory_usage: gauge('Memory usage in percent (0-100)'),
    system_disk_usage: gauge('Disk usage in percent (0-100)'),
  },
  /** oliver006/redis_exporter. */
  redis: {
    redis_up: gauge('1 when the exporter reaches Redis'),
    redis_connected_clients: gauge('Connected clients'),
    redis_memory_used_bytes: gauge('Memory used by Redis in bytes'),
    redis_keyspace_hits_total: counter('Successful key lookups'),
    redis_keyspace_misses_total: counter('Failed key lookups'),
    redis_commands_processed_total: counter('Commands processed'),
  },
  /** prometheus-community/postgres_exporter. */
  postgres: {
    pg_up: gauge('1 when the exporter reaches PostgreSQL'),
    pg_stat_database_numbackends: gauge('Backends connected to the database', 'datname'),
    pg_stat_database_xact_commit: counter('Committed transactions', 'datname'),
    pg_stat_database_xact_rollback: counter('Rolled back transactions', 'datname'),
    pg_database_size_bytes: gauge('Database size in bytes', 'datname'),
  },
} as const satisfies Record<RuleSetName, Record<string, MetricDef>>;

/** Series Prometheus itself records for every scrape target. */
export const SCRAPE_METRICS = {
  up: gauge('1 when the last scrape succeeded'),
  scrape_duration_seconds: gauge('Duration of the last scrape'),
  scrape_samples_scraped: gauge('Samples the last scrape returned'),
} as const satisfies Record<string, MetricDef>;

/** Each component's own metrics (its self-scrape job), the ones the stack's alerts and dashboards use. */
export const COMPONENT_METRICS = {
  prometheus: {
    prometheus_rule_evaluation_failures_total: counter('Rule evaluations that failed', 'rule_group'),
    prometheus_rule_evaluations_total: counter('Rule evaluations', 'rule_group'),
    prometheus_rule_group_last_duration_seconds: gauge('Duration of the last evaluation of a rule group', 'rule_group'),
    prometheus_config_last_reload_successful: gauge('1 when the last configuration reload succeeded'),
    prometheus_tsdb_head_series: gauge('Series in the head block'),
    prometheus_notifications_dropped_total: counter('Alert notifications dropped on the way to Alertmanager'),
  },
  alertmanager: {
    alertmanager_notifications_total: counter('Notifications attempted', 'integration'),
    alertmanager_notifications_failed_total: counter('Notifications that failed', 'integration'),
    alertmanager_config_last_reload_successful: gauge('1 when the last configuration reload succeeded'),
    alertmanager_alerts: gauge('Alerts by state', 'state'),
  },
  grafana: {},
  loki: {
    loki_distributor_lines_received_total: counter('Log lines received', 'tenant'),
    loki_distributor_bytes_received_total: counter('Log bytes received', 'tenant'),
    loki_ingester_memory_streams: gauge('Streams held in memory', 'tenant'),
  },
  promtail: {
    promtail_sent_entries_total: counter('Log entries sent to Loki', 'host'),
    promtail_dropped_entries_total: counter('Log entries dropped after retries', 'host', 'reason'),
  },
  jaeger: {},
} as const satisfies Record<ComponentName, Record<string, MetricDef>>;

export type FamilyMetricName<F extends RuleSetName> = keyof (typeof METRIC_FAMILIES)[F] & string;
export type ComponentMetricName<C extends ComponentName> = keyof (typeof COMPONENT_METRICS)[C] & string;

/** A family's metric name, checked at compile time: `metric('http', 'http_requests_total')`. */
export function metric<F extends RuleSetName>(family: F, name: FamilyMetricName<F>): string {
  return name;
}

/** A component's own metric name (or a per-target scrape metric such as `up`), checked at compile time. */
export function componentMetric<C extends ComponentName>(
  component: C,
  name: ComponentMetricName<C> | keyof typeof SCRAPE_METRICS,
): string {
  return name;
}

/** The series names a metric appears under: a histogram as `_bucket`, `_sum` and `_count` (and its base name). */
export function seriesNames(name: string, def: MetricDef): string[] {
  return def.type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

function expand(defs: Record<string, MetricDef>): string[] {
  return Object.entries(defs).flatMap(([name, def]) => seriesNames(name, def));
}

/** Every series name a family provides. */
export function familySeries(family: RuleSetName): string[] {
  return expand(METRIC_FAMILIES[family]);
}

/** Every series name a component's self-scrape job provides (including the scrape metrics). */
export function componentSeries(component: ComponentName): string[] {
  return [...expand(SCRAPE_METRICS), ...expand(COMPONENT_METRICS[component])];
}

/** The family a series name belongs to, if any. */
export function familyOf(series: string): RuleSetName | undefined {
  for (const family of Object.keys(METRIC_FAMILIES) as RuleSetName[]) {
    if (familySeries(family).includes(series)) return family;
  }
  return undefined;
}

/**
 * Series name → the scrape jobs of the stack that provide it: the targets' families and the components' own metrics,
 * less what a target drops at scrape time.
 */
export function providedSeries(stack: Stack): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (series: string, job: string) => {
    const jobs = out.get(series) ?? [];
    if (!jobs.includes(job)) jobs.push(job);
    out.set(series, jobs);
  };
  for (const job of scrapeJobs(stack)) {
    const names = job.component
      ? componentSeries(job.component)
      : [...expand(SCRAPE_METRICS), ...job.ruleSets.flatMap((f) => familySeries(f))];
    // Metrics a target drops at scrape time (anchored regexes) never reach Prometheus.
    const dropped = job.dropMetrics.map((re) => new RegExp(`^(?:${re})$`));
    for (const name of names) if (!dropped.some((re) => re.test(name))) add(name, job.job);
  }
  return out;
}

/** The scrape jobs (user targets) that declare a family, in config order. */
export function jobsWithFamily(stack: Stack, family: RuleSetName): string[] {
  return scrapeJobs(stack)
    .filter((j) => !j.component && j.ruleSets.includes(family))
    .map((j) => j.job);
}
