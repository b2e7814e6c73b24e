/**
 * Metric families: what a scrape target promises to export when it lists a family in `ruleSets`. The alert catalog
 * (alert-rules/catalog.ts), the dashboards and the demo app read their metric names from here.
 *
 * The names below are LOGICAL names: the catalog is written against them. An application that exports other names,
 * other label names or grouped label values keeps them and maps them per scrape target
 * (`scrapeTargets[].metrics.<family>`: `names`, `labels`, `values`); a stack can also declare families of its own
 * (`metricFamilies`). See the README, "Your app's metric names".
 *
 * Each metric: its type, help text, label names, histogram buckets, and for labels whose values the catalog
 * matches on, those values (`values`): the keys a target's `values` mapping may use.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  type: MetricType;
  help: string;
  /** Label names the series carry (besides job/instance and the target's extra labels). */
  labels: readonly string[];
  /** Histogram bucket boundaries (seconds or bytes), for exporters that want the recommended ones. */
  buckets?: readonly number[];
  /** Per label, the values (or value patterns, as the catalog's matchers write them) the catalog relies on. */
  values?: Readonly<Record<string, readonly string[]>>;
}

const counter = (help: string, ...labels: string[]): MetricDef => ({ type: 'counter', help, labels });
const gauge = (help: string, ...labels: string[]): MetricDef => ({ type: 'gauge', help, labels });
const histogram = (help: string, buckets: number[], ...labels: string[]): MetricDef => ({ type: 'histogram', help, labels, buckets });
const withValues = (def: MetricDef, values: Record<string, string[]>): MetricDef => ({ ...def, values });

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const AI_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
const SIZE_BUCKETS = [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

/** HTTP status classes as the catalog matches them (`status=~"5.."`); an app that exports "5xx" maps them. */
const STATUS_CLASSES = ['1..', '2..', '3..', '4..', '5..'];

/** Application metric families, by rule set name (histograms by their base name). */
export const METRIC_FAMILIES = {
  http: {
    http_requests_total: withValues(counter('HTTP requests', 'method', 'endpoint', 'status'), { status: STATUS_CLASSES }),
    http_request_duration_seconds: histogram('HTTP request duration in seconds', LATENCY_BUCKETS, 'method', 'endpoint'),
    http_response_size_bytes: histogram('HTTP response body size in bytes', SIZE_BUCKETS, 'method', 'endpoint'),
    active_users: gauge('Currently active users'),
  },
  ai: {
    // The app's own health check of its model backend, independent of traffic: AiServiceDown fires on it even when
    // no AI requests arrive at all (a ratio of failed requests is 0/0 then and never fires).
    ai_up: gauge('1 when the app reaches its AI model backend (health check, independent of traffic)'),
    ai_requests_total: withValues(counter('AI generation requests by model and outcome (status="success"|"error")', 'model', 'status'), {
      status: ['success', 'error'],
    }),
    ai_request_duration_seconds: histogram('AI generation time in seconds', AI_BUCKETS, 'model'),
    ai_tokens_total: withValues(counter('AI tokens used (type="prompt"|"completion")', 'model', 'type'), { type: ['prompt', 'completion'] }),
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
  /**
   * Seed 000, "Dashboard / Użytkownicy": active users, new registrations, logins, conversions, retention. The seed
   * names no metrics for them; these are the logical names (active users stay `http.active_users`, as seeds 003/004
   * export them). Retention is the app's own cohort computation, exported as a ratio per period.
   */
  users: {
    user_registrations_total: counter('New user registrations'),
    user_logins_total: withValues(counter('Login attempts by outcome (status="success"|"failure")', 'status'), { status: ['success', 'failure'] }),
    user_conversions_total: counter('Users converting to a paid plan (or the app\'s goal), by source of the conversion', 'source'),
    user_retention_ratio: gauge('Share of a cohort active again after `period` (0-1)', 'period'),
  },
  /** oliver006/redis_exporter. */
  redis: {
    redis_up: gauge('1 when the exporter reaches Redis'),
    redis_connected_clients: gauge('Connected clients'),
    redis_memory_used_bytes: gauge('Memory used by Redis in bytes'),
    redis_keyspace_hits_total: counter('Successful key lookups'),
    redis_keyspace_misses_total: counter('Failed key lookups'),
    redis_commands_processed_total: counter('Commands processed'),
    // Dashboard panels (exporter/exporter.go v1.88.0: maxmemory, evicted_keys, db_keys by db).
    redis_memory_max_bytes: gauge('maxmemory setting in bytes (0: no limit)'),
    redis_evicted_keys_total: counter('Keys evicted because of maxmemory'),
    redis_db_keys: gauge('Keys per database', 'db'),
  },
  /** prometheus-community/postgres_exporter. */
  postgres: {
    pg_up: gauge('1 when the exporter reaches PostgreSQL'),
    pg_stat_database_numbackends: gauge('Backends connected to the database', 'datname'),
    pg_stat_database_xact_commit: counter('Committed transactions', 'datname'),
    pg_stat_database_xact_rollback: counter('Rolled back transactions', 'datname'),
    pg_database_size_bytes: gauge('Database size in bytes', 'datname'),
    // collector/pg_setting.go v0.20.1: every numeric server setting as pg_settings_<name>.
    pg_settings_max_connections: gauge('The server\'s max_connections setting'),
  },
} as const satisfies Record<string, Record<string, MetricDef>>;

/**
 * Per family, the metric whose absence means the target does not export the family at all: the no-data guard
 * (`MetricsMissing`, src/no-data.ts) fires when the target is up but this metric is missing. Chosen among metrics an
 * exporter has from its first scrape on (unlabelled gauges where the family has one). A stack's own family
 * (`metricFamilies`) uses its first metric.
 */
export const FAMILY_KEY_METRICS: { [F in keyof typeof METRIC_FAMILIES]: keyof (typeof METRIC_FAMILIES)[F] & string } = {
  http: 'http_requests_total',
  ai: 'ai_up',
  database: 'db_connections',
  cache: 'cache_hits_total',
  websocket: 'websocket_connections_active',
  system: 'system_cpu_usage',
  users: 'user_registrations_total',
  redis: 'redis_up',
  postgres: 'pg_up',
};

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
  alloy: {},
  // blackbox_exporter v0.28.0 config/config.go (namespace blackbox_exporter).
  blackbox: {
    blackbox_exporter_config_last_reload_successful: gauge('1 when the last configuration reload succeeded'),
  },
} as const satisfies Record<string, Record<string, MetricDef>>;

/**
 * What a probe's job returns for each target (blackbox_exporter v0.28.0 prober/handler.go `probe_success`,
 * `probe_duration_seconds`; prober/http.go `probe_http_status_code`, `probe_http_duration_seconds` by `phase`).
 */
export const PROBE_METRICS = {
  probe_success: gauge('1 when the probe succeeded'),
  probe_duration_seconds: gauge('How long the probe took'),
  probe_http_status_code: gauge('HTTP status code of the response (0 without a response)'),
  probe_http_duration_seconds: gauge('Duration of each phase of the HTTP request', 'phase'),
} as const satisfies Record<string, MetricDef>;

/**
 * The host exporters' metrics, provided by any scrape job whose targets include the enabled exporter's address
 * (src/exporters.ts): node-exporter's host CPU, memory, filesystems and network (node_exporter v1.12.1
 * collector/cpu_common.go, meminfo_linux.go, filesystem_common.go, netdev_linux.go, loadavg.go) and cAdvisor's
 * per-container CPU, memory and network (google/cadvisor v0.60.5 lib/metrics/prometheus.go; every container series
 * carries `id`, and `name`, `image` when Docker knows them: DefaultContainerLabels). Only what the Host dashboard
 * reads: not a rule set, the catalog has no alerts on them.
 */
const FILESYSTEM_LABELS = ['device', 'mountpoint', 'fstype', 'device_error'];
const CONTAINER_LABELS = ['id', 'name', 'image'];

export const HOST_METRICS = {
  nodeExporter: {
    node_cpu_seconds_total: counter('Seconds the CPUs spent in each mode', 'cpu', 'mode'),
    node_load1: gauge('1m load average'),
    node_load5: gauge('5m load average'),
    node_load15: gauge('15m load average'),
    node_memory_MemTotal_bytes: gauge('Memory information field MemTotal_bytes'),
    node_memory_MemAvailable_bytes: gauge('Memory information field MemAvailable_bytes'),
    node_filesystem_size_bytes: gauge('Filesystem size in bytes', ...FILESYSTEM_LABELS),
    node_filesystem_avail_bytes: gauge('Filesystem space available to non-root users in bytes', ...FILESYSTEM_LABELS),
    node_network_receive_bytes_total: counter('Network device statistic receive_bytes', 'device'),
    node_network_transmit_bytes_total: counter('Network device statistic transmit_bytes', 'device'),
  },
  cadvisor: {
    container_cpu_usage_seconds_total: counter('Cumulative cpu time consumed in seconds', ...CONTAINER_LABELS, 'cpu'),
    container_memory_working_set_bytes: gauge('Current working set in bytes', ...CONTAINER_LABELS),
    container_spec_memory_limit_bytes: gauge('Memory limit for the container', ...CONTAINER_LABELS),
    container_network_receive_bytes_total: counter('Cumulative count of bytes received', ...CONTAINER_LABELS, 'interface'),
    container_network_transmit_bytes_total: counter('Cumulative count of bytes transmitted', ...CONTAINER_LABELS, 'interface'),
  },
} as const satisfies Record<string, Record<string, MetricDef>>;
