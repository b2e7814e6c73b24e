/**
 * The stack config schema: the single source for
 *  - the TypeScript types (`StackInput` for what a user writes, `Stack` for the validated, defaulted result) and
 *  - the JSON Schema that ajv enforces at run time (`stackJsonSchema`), for configs coming from YAML or JSON.
 * Defaults live here and only here (zod `.default()` → JSON Schema `default` → ajv `useDefaults`).
 */
import { z } from 'zod';
import { METRIC_FAMILIES } from '../metrics/families';

/** Prometheus duration, e.g. "30s", "5m", "1h30m". Milliseconds allowed; no spaces, no decimals. */
export const DURATION_PATTERN = '^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$';
const Duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN))
  .min(2)
  .meta({ expected: 'a Prometheus duration such as "30s", "5m" or "1h30m"' });

/** Prometheus label name (no leading "__", which is reserved). */
export const LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]*$';
const LabelName = z
  .string()
  .regex(new RegExp(LABEL_NAME_PATTERN))
  .meta({ expected: 'a label name matching [a-zA-Z_][a-zA-Z0-9_]*' });
const Labels = z.record(LabelName, z.string());

const MetricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
  .meta({ expected: 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*' });

/** Names of jobs, receivers, secrets and alerts: safe in file names, URLs and YAML keys. */
const Identifier = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/)
  .max(63)
  .meta({ expected: 'a name of letters, digits, "_" and "-", starting with a letter' });

const AlertName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/)
  .meta({ expected: 'an alert name in CamelCase letters and digits, e.g. "HighErrorRate"' });

/**
 * A reference to a secret held outside the config (a Pulumi secret config key of the same name).
 * The value never enters the config or any rendered file: components read it from a mounted file.
 */
export const SecretRef = z
  .strictObject({ secret: Identifier })
  .meta({ secretRef: true, expected: 'a secret reference { secret: "<name>" } naming a Pulumi secret config key' });

const Severity = z.enum(['critical', 'warning', 'info']);
const Port = z.number().int().min(1).max(65535);
const HostAddress = z
  .string()
  .regex(/^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[[0-9a-fA-F:]+\]|[0-9a-fA-F:]*:[0-9a-fA-F:]*)$/)
  .meta({ expected: 'an IP address such as "127.0.0.1" or "0.0.0.0"' });
/** Image tag: pinned, never "latest". */
const ImageTag = z
  .string()
  .regex(/^(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/)
  .meta({ expected: 'a pinned image tag such as "v3.5.0" (not "latest")' });
/** A literal PromQL matcher list as written inside braces, e.g. `status=~"5.."`. */
const MatcherList = z.string().meta({ expected: 'PromQL label matchers such as status=~"5.."' });
/** A Prometheus size, e.g. "10GB". */
const ByteSize = z
  .string()
  .regex(/^[0-9]+(B|KB|MB|GB|TB|PB|EB)$/)
  .meta({ expected: 'a size such as "512MB" or "10GB"' });

// ---------------------------------------------------------------------------------------------------------------
// Components

const component = (version: string, port: number, memory: string) =>
  z.strictObject({
    enabled: z.boolean().default(true),
    version: ImageTag.default(version),
    /** Host port the component's main port is published on (bound to `bindAddress`). */
    port: Port.default(port),
    /** Publish the port on the host at all (internal-only components are reachable on the stack network). */
    publish: z.boolean().default(true),
    memoryLimit: z
      .string()
      .regex(/^[0-9]+(m|g)$/)
      .default(memory)
      .meta({ expected: 'a memory limit such as "512m" or "2g"' }),
  });

/**
 * The address users open a component's UI at, when it is not the published one (a reverse proxy, a DNS name):
 * links in notifications (Slack `title_link`, Prometheus `generatorURL`) and Grafana's `root_url` use it.
 * Without it, they use the published address, `http://<bindAddress>:<port>/`.
 */
const ExternalUrl = z
  .string()
  .url()
  .regex(/^https?:\/\/[^/?#@]+(\/[^?#]*)?$/)
  .meta({ expected: 'an http(s) URL without credentials, query or fragment, such as "https://monitoring.example.com/prometheus/"' });
const withExternalUrl = { externalUrl: ExternalUrl.optional() };

/** Pinned default versions. Change them here to upgrade every stack that does not override them. */
export const DEFAULT_VERSIONS = {
  prometheus: 'v3.5.0',
  alertmanager: 'v0.28.1',
  grafana: '12.4.0',
  loki: '3.7.2',
  promtail: '3.6.10',
  jaeger: '2.11.0',
  /** Grafana Alloy, Promtail's successor (`logs.collector: 'alloy'`). */
  alloy: 'v1.18.1',
  /** Deployed only when the stack has `probes` (src/jobs.ts `blackboxDeployed`). */
  blackbox: 'v0.28.0',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Exporters: containers beside the components, off unless enabled (src/exporters.ts, src/pulumi/exporters.ts).
// Prometheus scrapes them through `scrapeTargets` (e.g. job "redis" at "redis-exporter:9121"), checked in validate.ts.

/**
 * Pinned default exporter versions (tags read upstream at these releases). The Redis exporter's alpine variant is
 * the one with a wget for its healthcheck (its scratch image has no tool at all).
 */
export const EXPORTER_VERSIONS = {
  redisExporter: 'v1.88.0-alpine',
  postgresExporter: 'v0.20.1',
  nodeExporter: 'v1.12.1',
  cadvisor: 'v0.60.5',
} as const;
export type ExporterName = keyof typeof EXPORTER_VERSIONS;
export const EXPORTER_NAMES = Object.keys(EXPORTER_VERSIONS) as ExporterName[];

const exporter = (name: ExporterName, port: number, memory: string) =>
  component(EXPORTER_VERSIONS[name], port, memory).extend({ enabled: z.boolean().default(false) });

const EXPORTER_COMPONENTS = {
  /** oliver006/redis_exporter watching one Redis; `password` is read from a file, never from the config. */
  redisExporter: exporter('redisExporter', 9121, '64m')
    .extend({
      /** The Redis to watch, without credentials (Redis on the Docker host: host.docker.internal). */
      // Checked in src/exporters.ts (not by a pattern here, whose message would echo a pasted password).
      address: z
        .string()
        .default('redis://host.docker.internal:6379')
        .meta({ expected: 'a Redis address "redis://host:port" (or rediss://) without credentials' }),
      password: SecretRef.optional(),
    })
    .prefault({}),
  /** prometheus-community/postgres_exporter; the DSN (postgresql://user:password@host:port/db?…) is a secret. */
  postgresExporter: exporter('postgresExporter', 9187, '128m')
    .extend({ dsn: SecretRef.default({ secret: 'postgresDsn' }) })
    .prefault({}),
  /** Host metrics (CPU, memory, disks, network) from the host's root filesystem, mounted read-only. */
  nodeExporter: exporter('nodeExporter', 9100, '128m').prefault({}),
  /** Per-container metrics; needs read-only host mounts (src/exporters.ts CADVISOR_MOUNTS). */
  cadvisor: exporter('cadvisor', 8080, '256m').prefault({}),
};

const Components = z.strictObject({
  prometheus: component(DEFAULT_VERSIONS.prometheus, 9090, '2g').extend(withExternalUrl).prefault({}),
  alertmanager: component(DEFAULT_VERSIONS.alertmanager, 9093, '256m').extend(withExternalUrl).prefault({}),
  grafana: component(DEFAULT_VERSIONS.grafana, 3001, '512m').extend(withExternalUrl).prefault({}),
  loki: component(DEFAULT_VERSIONS.loki, 3100, '1g').prefault({}),
  promtail: component(DEFAULT_VERSIONS.promtail, 9080, '256m')
    .extend({ publish: z.boolean().default(false) })
    .prefault({}),
  /** Runs only when `logs.collector` is 'alloy' (Promtail only when it is 'promtail'). */
  alloy: component(DEFAULT_VERSIONS.alloy, 12345, '256m')
    .extend({ publish: z.boolean().default(false) })
    .prefault({}),
  jaeger: component(DEFAULT_VERSIONS.jaeger, 16686, '1g')
    .extend({
      otlpGrpcPort: Port.default(4317),
      otlpHttpPort: Port.default(4318),
      storage: z.enum(['memory', 'badger']).default('badger'),
      /** How long badger keeps traces. */
      retention: Duration.default('168h'),
      /**
       * Receivers besides OTLP, for apps with older tracing clients (off unless enabled): Jaeger's own protocols
       * (thrift compact 6831/udp, e.g. `agent_port=6831`; thrift binary 6832/udp; gRPC 14250; thrift HTTP 14268) and
       * Zipkin (9411). The numbers are the host ports, published on `bindAddress` like the others.
       */
      receivers: z
        .strictObject({
          jaeger: z
            .strictObject({
              enabled: z.boolean().default(false),
              thriftCompactPort: Port.default(6831),
              thriftBinaryPort: Port.default(6832),
              grpcPort: Port.default(14250),
              thriftHttpPort: Port.default(14268),
            })
            .prefault({}),
          zipkin: z.strictObject({ enabled: z.boolean().default(false), port: Port.default(9411) }).prefault({}),
        })
        .prefault({}),
    })
    .prefault({}),
  ...EXPORTER_COMPONENTS,
  /** The blackbox exporter that runs `probes`; internal (Prometheus reaches it on the stack network). */
  blackbox: component(DEFAULT_VERSIONS.blackbox, 9115, '64m')
    .extend({ publish: z.boolean().default(false) })
    .prefault({}),
});

// ---------------------------------------------------------------------------------------------------------------
// Prometheus

/**
 * Long-term storage (Mimir, Thanos Receive, Cortex, any remote-write receiver). The URL must carry no credentials,
 * query or fragment: a token in a URL would sit in prometheus.yml and the chart values. Credentials are secrets,
 * read by Prometheus from files (`password_file`, `credentials_file`) on Docker and from a Secret on Kubernetes.
 */
const RemoteWrite = z
  .strictObject({
    name: Identifier,
    url: z
      .string()
      .url()
      .regex(/^https?:\/\/[^/?#@]+(\/[^?#]*)?$/)
      .meta({ expected: 'an http(s) URL without credentials, query or fragment, such as "https://mimir.example.com/api/v1/push"' }),
    basicAuth: z.strictObject({ username: z.string().min(1), password: SecretRef }).optional(),
    bearerToken: SecretRef.optional(),
  });

const PrometheusSettings = z.strictObject({
  scrapeInterval: Duration.default('15s'),
  scrapeTimeout: Duration.default('10s'),
  evaluationInterval: Duration.default('15s'),
  retentionTime: Duration.default('15d'),
  retentionSize: ByteSize.optional(),
  externalLabels: Labels.default({}),
  /** Where Prometheus also sends every sample, for long-term storage. */
  remoteWrite: z.array(RemoteWrite).default([]),
});

/** The built-in metric families (metrics/families.ts); each has a catalog rule set of the same name. */
export const RULE_SET_NAMES = Object.keys(METRIC_FAMILIES) as Array<keyof typeof METRIC_FAMILIES>;
export const RuleSetName = z.enum(RULE_SET_NAMES as [keyof typeof METRIC_FAMILIES, ...Array<keyof typeof METRIC_FAMILIES>]);
/** A family of the stack's own (`metricFamilies`). */
const OwnFamilyName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/)
  .max(63)
  .meta({ expected: 'a family name of lowercase letters, digits and "_", e.g. "chat"' });
/** A built-in family or one the stack declares in `metricFamilies`. */
const FamilyName = z.union([RuleSetName, OwnFamilyName]);

/** One metric of a family the stack declares (names as the exporter exports them; histograms by base name). */
const FamilyMetric = z.strictObject({
  type: z.enum(['counter', 'gauge', 'histogram']),
  help: z.string().default(''),
  /** Label names the series carry (besides job, instance and the target's labels). */
  labels: z.array(LabelName).default([]),
  /** Histogram bucket boundaries, ascending (histograms only). */
  buckets: z.array(z.number()).min(1).optional(),
});

/** A metric family declared in the stack config, for `ruleSets`, custom alerts and panels. */
const MetricFamily = z.strictObject({
  metrics: z.record(MetricName, FamilyMetric),
});

/**
 * How one target exports one family: everything not mentioned is exported under the family's own name.
 *   names:  family metric name → exported metric name (histograms by base name)
 *   labels: family label name → exported label name
 *   values: family label name → { family value or matcher pattern (e.g. "5..") → exported value (e.g. "5xx") }
 */
const FamilyMapping = z.strictObject({
  names: z.record(MetricName, MetricName).default({}),
  labels: z.record(LabelName, LabelName).default({}),
  values: z.record(LabelName, z.record(z.string().min(1), z.string().min(1))).default({}),
});

/**
 * How Prometheus finds a scrape target inside a cluster (kubernetes target): a ServiceMonitor over the endpoints of
 * the matching Services, or a PodMonitor over the matching pods. The job keeps its name and labels (relabelings), so
 * the alerts' `job` matchers hold as on Docker. Without it, the target's static `targets` become a ScrapeConfig.
 */
const ScrapeTargetKubernetes = z.strictObject({
  /** `service`: a ServiceMonitor (endpoints of matching Services); `pod`: a PodMonitor (matching pods). */
  discover: z.enum(['service', 'pod']).default('service'),
  /** The namespace of the Services or pods. */
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(63)
    .meta({ expected: 'a Kubernetes namespace such as "chat"' }),
  /** Labels the Services (or pods) carry: a matchLabels selector (at least one label; config/scrape-targets). */
  selector: z.record(z.string().min(1), z.string()),
  /** The name of the metrics port on the Service (or the pod's container). */
  port: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(15)
    .meta({ expected: 'a port name (IANA service name, at most 15 lowercase characters) such as "http-metrics"' }),
});

const ScrapeTarget = z.strictObject({
  job: Identifier,
  /** host:port pairs; may be empty only for a `kubernetes` target on a cluster (config/scrape-targets checks it). */
  targets: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9.\-_[\]:]+:[0-9]{1,5}$/)
        .meta({ expected: 'a "host:port" address' }),
    )
    .default([]),
  /** On a kubernetes target, discover the target's Services or pods instead of scraping `targets`. */
  kubernetes: ScrapeTargetKubernetes.optional(),
  metricsPath: z.string().regex(/^\//).default('/metrics'),
  scheme: z.enum(['http', 'https']).default('http'),
  /** Overrides the global scrape interval for this job. */
  interval: Duration.optional(),
  timeout: Duration.optional(),
  /** Extra labels on every series of this job. `service` defaults to the job name (alert routing and inhibition use it). */
  labels: Labels.default({}),
  /** Metric names (regular expressions, anchored) dropped at scrape time. */
  dropMetrics: z.array(z.string().min(1)).default([]),
  /** Metric families this target exports; the matching catalog rule sets watch it. */
  ruleSets: z.array(FamilyName).default([]),
  /** Per family, the names, label names and label values this target's exporter really uses. */
  metrics: z.record(FamilyName, FamilyMapping).default({}),
});

// ---------------------------------------------------------------------------------------------------------------
// Probes (blackbox exporter)

/**
 * An HTTP probe of an endpoint, run by the blackbox exporter and scraped as its own job (the probe's name). The URL
 * is a plain internal URL: one that can carry a credential (user:pass@, a query string, a token-bearing service;
 * src/credential-urls.ts) is rejected in validate.ts, since the URL is written into prometheus.yml.
 */
const Probe = z.strictObject({
  /** The scrape job of the probe; unique among the stack's jobs. */
  name: Identifier,
  url: z.string().min(1).meta({ expected: 'a plain http(s) URL of an internal endpoint, e.g. "http://backend:8000/health"' }),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  /** HTTP status codes that count as success; empty: any 2xx (the blackbox exporter's default). */
  expectStatus: z.array(z.number().int().min(100).max(599)).default([]),
  /** How often the probe runs (default: prometheus.scrapeInterval). */
  interval: Duration.optional(),
  /** How long one probe may take, at most the interval (default: prometheus.scrapeTimeout, cut to the interval). */
  timeout: Duration.optional(),
  /** Labels on the probe's series and alerts; `service` defaults to the probe's name. */
  labels: Labels.default({}),
});

// ---------------------------------------------------------------------------------------------------------------
// Alerts

const AlertCommon = {
  name: AlertName,
  /** How long the condition must hold before the alert fires. */
  for: Duration.default('5m'),
  severity: Severity.default('warning'),
  summary: z.string().optional(),
  description: z.string().optional(),
  runbookUrl: z.string().url().optional(),
  /** Further annotations (templates like summary and description); `summary`, `description`, `runbook_url` have fields. */
  annotations: Labels.optional(),
  labels: Labels.default({}),
  enabled: z.boolean().default(true),
  /** Jobs whose series the alert watches. */
  jobs: z.array(Identifier).min(1),
};

/**
 * One threshold per severity: the same alert name becomes one rule per severity (critical inhibits warning through
 * the stack's inhibit rule on `alertname`). Tiers must be ordered for the operator: for `>` warning < critical.
 */
const tiers = (threshold: z.ZodNumber) =>
  z.partialRecord(Severity, threshold).meta({ expected: 'a threshold per severity, e.g. { warning: 2, critical: 5 }' });

const SelectorSpec = z.strictObject({
  metric: MetricName,
  /** Extra matchers, e.g. `status=~"5.."`. */
  matchers: MatcherList.optional(),
  /** Labels of a series that this selector selects, used to generate the rule test. */
  sample: Labels.default({}),
});

const RatioAlert = z.strictObject({
  kind: z.literal('ratio'),
  ...AlertCommon,
  /** Counter of bad events. */
  numerator: SelectorSpec,
  /** Counter(s) of all events. When the metric is the numerator's, the numerator's series are part of it. */
  denominator: z.strictObject({
    metrics: z.array(MetricName).min(1),
    matchers: MatcherList.optional(),
    sample: Labels.default({}),
  }),
  window: Duration.default('5m'),
  /** Share of bad events, 0.05 = 5 %. Give `threshold` or `thresholds`. */
  threshold: z.number().min(0).max(1).optional(),
  thresholds: tiers(z.number().min(0).max(1)).optional(),
  op: z.enum(['>', '>=']).default('>'),
});

const LatencyAlert = z.strictObject({
  kind: z.literal('latency'),
  ...AlertCommon,
  /** Histogram base name (without `_bucket`). */
  histogram: MetricName,
  quantile: z.number().gt(0).lt(1).default(0.95),
  matchers: MatcherList.optional(),
  window: Duration.default('5m'),
  /** Seconds. Give `threshold` or `thresholds`. */
  threshold: z.number().gt(0).optional(),
  thresholds: tiers(z.number().gt(0)).optional(),
});

const GaugeAlert = z.strictObject({
  kind: z.literal('gauge'),
  ...AlertCommon,
  metric: MetricName,
  matchers: MatcherList.optional(),
  op: z.enum(['>', '<', '>=', '<=', '==', '!=']).default('>'),
  /** Give `threshold` or `thresholds`. */
  threshold: z.number().optional(),
  thresholds: tiers(z.number()).optional(),
  /** Sample labels for the rule test. */
  sample: Labels.default({}),
});

const IncreaseAlert = z.strictObject({
  kind: z.literal('increase'),
  ...AlertCommon,
  /** Counter whose increase over `window` is compared. */
  metric: MetricName,
  matchers: MatcherList.optional(),
  window: Duration.default('5m'),
  /** The increase must exceed it; 0 (any increase) unless `threshold` or `thresholds` is given. */
  threshold: z.number().min(0).optional(),
  thresholds: tiers(z.number().min(0)).optional(),
  sample: Labels.default({}),
});

const DownAlert = z.strictObject({
  kind: z.literal('down'),
  ...AlertCommon,
  /** A 0/1 gauge; `up` (the scrape itself) unless an exporter reports the dependency, e.g. `redis_up`. */
  metric: MetricName.default('up'),
});

const TestSeries = z.strictObject({
  /** A series in promtool notation, e.g. `foo_total{job="backend"}`. */
  series: z.string().min(1),
  /** Values in promtool expanding notation, e.g. `0+10x30`. */
  values: z.string().min(1),
});

const RawAlert = z.strictObject({
  kind: z.literal('raw'),
  ...AlertCommon,
  jobs: z.array(Identifier).default([]),
  /** The full alert condition in PromQL. */
  expr: z.string().min(1),
  /** Raw PromQL cannot be tested automatically: give input series under which it fires and stays silent. */
  test: z.strictObject({
    firing: z.array(TestSeries).min(1),
    quiet: z.array(TestSeries).default([]),
    /** Labels of the firing alert (besides alertname and the rule's labels). */
    expectLabels: Labels.default({}),
    /** The value of the expression while firing, needed when annotations show `$value`. */
    value: z.number().optional(),
    /** How long after the start the alert should fire. Defaults to `for` plus 5 minutes. */
    fireAt: Duration.optional(),
  }),
});

export const AlertSpec = z.discriminatedUnion('kind', [
  RatioAlert,
  LatencyAlert,
  GaugeAlert,
  IncreaseAlert,
  DownAlert,
  RawAlert,
]);

/** Per-stack override of a catalog rule, by alert name. Tiered alerts take per-severity thresholds. */
const AlertOverride = z.strictObject({
  enabled: z.boolean().optional(),
  for: Duration.optional(),
  /** Range of the rate/quantile/increase (ratio, latency and increase alerts): shorter reacts and resolves faster. */
  window: Duration.optional(),
  threshold: z.number().optional(),
  thresholds: z.partialRecord(Severity, z.number()).optional(),
  severity: Severity.optional(),
  labels: Labels.optional(),
  /** Texts replacing the catalog's; `{threshold}`, `{for}` and `{window}` stand for the effective values. */
  summary: z.string().optional(),
  description: z.string().optional(),
  runbookUrl: z.string().url().optional(),
  /** Further annotations. */
  annotations: Labels.optional(),
});

/** Settings of one rule group (a catalog rule set such as "http", or "custom"). */
const RuleGroupSettings = z.strictObject({
  /** How often Prometheus evaluates the group's rules (default: prometheus.evaluationInterval). */
  interval: Duration.optional(),
});

const Alerts = z.strictObject({
  /** Include the seed catalog (rule sets chosen per scrape target, plus stack self-monitoring). */
  catalog: z.boolean().default(true),
  /**
   * The `runbook_url` of every alert that sets no `runbookUrl` of its own: a URL in which `{alert}` stands for the
   * alert name, e.g. "https://runbooks.example.com/alerts/{alert}" (check's `alerts/runbook-url` wants one on every alert).
   */
  runbookUrlPattern: z
    .string()
    .regex(/^https?:\/\/[^\s?#@]+\{alert\}[^\s?#@]*$/)
    .optional()
    .meta({ expected: 'an http(s) URL containing {alert}, without credentials, query or fragment, e.g. "https://runbooks.example.com/alerts/{alert}"' }),
  overrides: z.record(AlertName, AlertOverride).default({}),
  custom: z.array(AlertSpec).default([]),
  /** Per rule group settings, by group name: a catalog rule set (http, ai, …, stack) or "custom". */
  groups: z.record(Identifier, RuleGroupSettings).default({}),
});

// ---------------------------------------------------------------------------------------------------------------
// Alertmanager

/** An Alertmanager matcher string (`label="value"`, also `!=`, `=~`, `!~`); `parseMatcher` in promql.ts splits it. */
export const MATCHER_PATTERN = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|=|!=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** Alertmanager matchers as strings, e.g. `severity="critical"` or `service=~"api|web"`. */
const Matcher = z
  .string()
  .regex(MATCHER_PATTERN)
  .meta({ expected: 'a matcher such as severity="critical" (label, one of = != =~ !~, quoted value)' });

interface RouteShape {
  receiver?: string;
  matchers?: string[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  routes?: RouteShape[];
}
const ChildRoute: z.ZodType<RouteShape> = z.lazy(() =>
  z.strictObject({
    receiver: Identifier.optional(),
    matchers: z.array(Matcher).default([]),
    groupBy: z.array(z.union([LabelName, z.literal('...')])).optional(),
    groupWait: Duration.optional(),
    groupInterval: Duration.optional(),
    repeatInterval: Duration.optional(),
    continue: z.boolean().default(false),
    routes: z.array(ChildRoute).default([]),
  }),
);

const RootRoute = z.strictObject({
  receiver: Identifier,
  groupBy: z.array(z.union([LabelName, z.literal('...')])).default(['alertname', 'service', 'severity']),
  groupWait: Duration.default('30s'),
  groupInterval: Duration.default('5m'),
  repeatInterval: Duration.default('4h'),
  routes: z.array(ChildRoute).default([]),
});

/**
 * A secret in a receiver. The name is checked in validate.ts (checkReceiverSecrets), not here, so that a URL or
 * password pasted where the name belongs gets a precise message and is never echoed back.
 */
export const ReceiverSecret = z
  .strictObject({ secret: z.string().describe('the name of a Pulumi secret config key (letters, digits, "_" and "-"), never the secret itself') })
  .meta({ secretRef: true, expected: 'a secret reference { secret: "<name>" } naming a Pulumi secret config key' });

/**
 * Every URL a receiver sends to: a secret reference, or a plain string only for an internal URL (no user:pass@, no
 * query string, no token-bearing service; src/credential-urls.ts). validate.ts finds every field of this type in
 * every receiver type (receiverSecretFields), so a new receiver type with a URL gets the rule by using it.
 */
export const ReceiverUrl = z.union([
  ReceiverSecret,
  z.string().meta({ expected: 'a plain http(s) URL of an internal endpoint' }),
]);

const EmailConfig = z.strictObject({
  to: z.string().min(3),
  from: z.string().min(3),
  /** SMTP server as host:port. */
  smarthost: z.string().regex(/^[A-Za-z0-9.\-_]+:[0-9]{1,5}$/).meta({ expected: 'a "host:port" SMTP server' }),
  authUsername: z.string().optional(),
  authPassword: ReceiverSecret.optional(),
  requireTls: z.boolean().default(true),
  sendResolved: z.boolean().default(true),
});

const SlackConfig = z.strictObject({
  /** Slack incoming-webhook URL: a credential, so only a secret reference. */
  apiUrl: ReceiverSecret,
  channel: z.string().min(1),
  sendResolved: z.boolean().default(true),
});

const WebhookConfig = z.strictObject({
  url: ReceiverUrl,
  sendResolved: z.boolean().default(true),
  maxAlerts: z.number().int().min(0).default(0),
});

const Receiver = z.strictObject({
  name: Identifier,
  email: z.array(EmailConfig).default([]),
  slack: z.array(SlackConfig).default([]),
  webhook: z.array(WebhookConfig).default([]),
});

/** The schema inside optional/default/array wrappers. */
const unwrapped = (s: z.ZodType): z.ZodType => {
  const def = (s as any)._zod.def;
  return def.innerType ? unwrapped(def.innerType) : def.type === 'array' ? unwrapped(def.element) : s;
};

/**
 * Per receiver type (email, slack, webhook, …), its fields holding a ReceiverSecret or a ReceiverUrl, read off the
 * schema so that validate.ts checks every one of them, including those of receiver types added later.
 */
export function receiverSecretFields(): Record<string, { secretOnly: string[]; url: string[] }> {
  const out: Record<string, { secretOnly: string[]; url: string[] }> = {};
  for (const [type, field] of Object.entries(Receiver.shape)) {
    const config = unwrapped(field);
    if (!(config instanceof z.ZodObject)) continue;
    const fields = Object.entries(config.shape as Record<string, z.ZodType>).map(([name, f]) => [name, unwrapped(f)] as const);
    out[type] = {
      secretOnly: fields.filter(([, f]) => f === ReceiverSecret).map(([name]) => name),
      url: fields.filter(([, f]) => f === ReceiverUrl).map(([name]) => name),
    };
  }
  return out;
}

const InhibitRule = z.strictObject({
  sourceMatchers: z.array(Matcher).min(1),
  targetMatchers: z.array(Matcher).min(1),
  equal: z.array(LabelName).default([]),
});

const RouteTest = z.strictObject({
  labels: Labels,
  /** Receivers, in order, that alerts with these labels must reach. */
  receivers: z.array(Identifier).min(1),
});

const Alertmanager = z.strictObject({
  route: RootRoute,
  receivers: z.array(Receiver).min(1),
  inhibitRules: z.array(InhibitRule).default([]),
  /** Extra routing tests run by `check` besides the one generated for every route. */
  routeTests: z.array(RouteTest).default([]),
  resolveTimeout: Duration.default('5m'),
});

// ---------------------------------------------------------------------------------------------------------------
// Logs (Promtail → Loki)

export const LOG_FORMATS = ['json', 'structlog', 'logfmt', 'plain'] as const;
const LogFieldName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
  .meta({ expected: 'a field name matching [a-zA-Z_][a-zA-Z0-9_]* (it may become a label name)' });

/** A Kubernetes name segment: DNS label (RFC 1123), as namespaces and container names are. */
const DnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(63)
  .meta({ expected: 'a lowercase DNS label of at most 63 characters (letters, digits, "-"), such as "chat"' });
/** A pod label key (optional DNS-subdomain prefix and "/", then a name of at most 63 characters) and its value. */
const PodLabelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/)
  .meta({ expected: 'a Kubernetes label key such as "app.kubernetes.io/name"' });
const PodLabelValue = z
  .string()
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/)
  .meta({ expected: 'a Kubernetes label value of at most 63 letters, digits, "-", "_" or "."' });

/**
 * Which pods a log source reads on a cluster (`target.kind: 'kubernetes'`, where it is required; Docker ignores
 * it): the pods of `namespace` whose labels include all of `selector` (an empty selector: every pod of the
 * namespace), all their containers or only `container`.
 */
const PodLogs = z.strictObject({
  namespace: DnsLabel,
  selector: z.record(PodLabelKey, PodLabelValue),
  container: DnsLabel.optional(),
});

const LogSource = z.strictObject({
  /** Loki `job` label, e.g. "backend_logs". */
  job: Identifier,
  /** Host directory mounted read-only into Promtail. */
  hostPath: z.string().regex(/^\//).meta({ expected: 'an absolute host path' }),
  /** Glob of files under `hostPath`. */
  include: z.string().default('*.log'),
  /**
   * How lines are parsed: `json` (the seed format by default), `structlog` (JSON with `event`, top-level keys),
   * `logfmt`, or `plain` (shipped as is, or split by `regex`). Defaults per format: promtail/pipeline.ts.
   */
  format: z.enum(LOG_FORMATS).default('json'),
  /** Extracted field → where it is in the line (JMESPath for json/structlog, the key for logfmt). */
  fields: z.record(LogFieldName, z.string().min(1)).optional(),
  /** `plain` only: an RE2 regular expression whose named groups `(?P<name>…)` are the extracted fields. */
  regex: z.string().min(1).optional(),
  /** Extracted fields that become Loki labels: low-cardinality only (level, logger, service…). */
  labelFields: z.array(LogFieldName).optional(),
  /** Extracted fields attached as structured metadata (request_id, user_id, trace_id…): searchable, no new streams. */
  metadataFields: z.array(LogFieldName).optional(),
  /**
   * The `level` values the app writes and those that mean an error, when they differ from the format's defaults
   * (promtail/pipeline.ts LOG_FORMAT_DEFAULTS). Dashboards match them case-insensitively.
   */
  levels: z
    .strictObject({ all: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/)).min(1), errors: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/)).min(1) })
    .optional(),
  labels: Labels.default({}),
  /** On a kubernetes target: the pods whose logs this source is (instead of the files under `hostPath`). */
  kubernetes: PodLogs.optional(),
});

const Logs = z.strictObject({
  retention: Duration.default('168h'),
  sources: z.array(LogSource).default([]),
  /**
   * The agent that ships the logs on Docker: Promtail (end-of-life 2026-03-02) or Grafana Alloy, its successor.
   * A kubernetes target always runs Alloy (a DaemonSet, grafana/alloy chart), whatever this says.
   */
  collector: z.enum(['promtail', 'alloy']).default('promtail'),
  /** Also ship the logs of Docker containers (mounts the Docker socket read-only into the collector). Docker only. */
  dockerDiscovery: z.boolean().default(false),
});

// ---------------------------------------------------------------------------------------------------------------
// Grafana

const Grafana = z.strictObject({
  adminUser: z.string().min(1).default('admin'),
  /** The admin password: a Pulumi secret; generated when that config key is absent. */
  adminPassword: SecretRef.default({ secret: 'grafanaAdminPassword' }),
});

// ---------------------------------------------------------------------------------------------------------------
// Dashboards

/** Grafana dashboard uid: stable across stacks (links and bookmarks use it). */
const DashboardUid = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/)
  .meta({ expected: 'a dashboard uid of 1-40 letters, digits, "-" or "_"' });

/** A panel written in config: one query, drawn with the helpers of dashboards/lib.ts. */
const ConfigPanel = z.strictObject({
  /** Unique within its dashboard. */
  title: z.string().min(1),
  /** `timeseries` (lines), `bars` (counts over time), `stat` (one big number), `logs` (log lines, LogQL only). */
  type: z.enum(['timeseries', 'bars', 'stat', 'logs']).default('timeseries'),
  /** A PromQL query (Prometheus datasource). Exactly one of `promql` and `logql`. */
  promql: z.string().min(1).optional(),
  /** A LogQL query (Loki datasource). */
  logql: z.string().min(1).optional(),
  /** Grafana legend format, e.g. "{{job}} {{status}}". */
  legend: z.string().optional(),
  /** Grafana unit id, e.g. "short", "reqps", "s", "bytes", "percentunit". */
  unit: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Grid width (of 24) and height. */
  width: z.number().int().min(1).max(24).optional(),
  height: z.number().int().min(1).max(40).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const ConfigDashboard = z.strictObject({
  uid: DashboardUid,
  title: z.string().min(1),
  /** Grafana folder, also the directory under files/grafana/dashboards/. */
  folder: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,62}$/)
    .default('Application')
    .meta({ expected: 'a folder name of letters, digits, " ", "_" and "-"' }),
  description: z.string().optional(),
  tags: z.array(z.string().min(1)).default([]),
  /** Laid out in order, left to right, row by row. */
  panels: z.array(ConfigPanel).min(1),
});

const Dashboards = z.strictObject({
  /**
   * Dashboards of dashboards/ this stack gets, by uid or title. Absent: the default set (`DEFAULT_DASHBOARDS` in
   * dashboards/index.ts); `[]`: none of them.
   */
  include: z.array(z.string().min(1)).optional(),
  /** Dashboards written in config. */
  custom: z.array(ConfigDashboard).default([]),
});

// ---------------------------------------------------------------------------------------------------------------
// SLOs (service level objectives): multi-window, multi-burn-rate alerts (src/render/slo.ts). Field names follow
// OpenSLO v1 where it has one: name (metadata.name), description, service, target (objectives[].target), window
// (timeWindow[].duration, rolling), indicator.errors/good/total (ratioMetric.bad/good/total).

/** A PromQL series selector of a counter, e.g. `http_requests_total{job="backend",status=~"5.."}`. */
const CounterSelector = z
  .string()
  .min(1)
  .meta({ expected: 'a PromQL series selector of a counter, e.g. http_requests_total{job="backend"}' });

/** Events counted by two counters: `total`, and either the failed ones (`errors`) or the good ones (`good`). */
const RatioIndicator = z
  .strictObject({
    errors: CounterSelector.optional(),
    good: CounterSelector.optional(),
    total: CounterSelector,
  })
  .meta({ expected: 'a ratio indicator { errors (or good), total } of counter selectors' });

/** Requests slower than `threshold` seconds (the histogram's `le` bucket holding the good ones) are errors. */
const LatencyIndicator = z
  .strictObject({
    latency: z.strictObject({
      /** Histogram base name (without `_bucket`). */
      histogram: MetricName,
      /** Matchers narrowing its series, e.g. `job="backend"`. */
      matchers: MatcherList.optional(),
      /** Seconds: an upper bound (`le`) of one of the histogram's buckets. */
      threshold: z.number().gt(0),
    }),
  })
  .meta({ expected: 'a latency indicator { latency: { histogram, matchers, threshold } }' });

/** One alert of an SLO (page or ticket). */
const sloAlert = (severity: z.infer<typeof Severity>) =>
  z.strictObject({
    enabled: z.boolean().default(true),
    severity: Severity.default(severity),
    labels: Labels.default({}),
    /** Further annotations, or replacements of `summary` and `description` (templates; `$value` is not offered). */
    annotations: Labels.default({}),
  });

const SloAlerting = z.strictObject({
  /** Fast burn: 2 % of the budget in 1 h (14.4x) or 5 % in 6 h (6x), for a 30 d window; scaled for others. */
  page: sloAlert('critical').prefault({}),
  /** Slow burn: 10 % of the budget in 1 d (3x) or in 3 d (1x). */
  ticket: sloAlert('warning').prefault({}),
  /** The SLO's total counter is absent (renamed metric, target gone). */
  noData: sloAlert('warning').extend({ for: Duration.default('10m') }).prefault({}),
  /** Labels on every alert of the SLO. */
  labels: Labels.default({}),
});

const Slo = z.strictObject({
  /** Used in rule file names, the `slo` label and the dashboard. */
  name: Identifier,
  description: z.string().optional(),
  /** The `service` label of the SLO's alerts (routing and inhibition use it). */
  service: z.string().min(1).optional(),
  /** The objective: the share of good events, between 0 and 1 (0.999 = 99.9 %). */
  target: z.number().gt(0).lt(1),
  /** Rolling period, e.g. "30d", "28d", "7d". */
  window: Duration.default('30d'),
  indicator: z.union([RatioIndicator, LatencyIndicator]),
  alerting: SloAlerting.prefault({}),
});

// ---------------------------------------------------------------------------------------------------------------
// Checks (npm run check): reasoned exclusions

/** Silences one named check of `npm run check` (`npm run check -- --list`), for one alert or panel or for all. */
const CheckExclusion = z.strictObject({
  /** A check id such as "rules/rate-range" (validate.ts rejects an unknown one, and the config checks). */
  check: z
    .string()
    .regex(/^[a-z]+\/[a-z0-9-]+$/)
    .meta({ expected: 'a check id such as "rules/rate-range" (npm run check -- --list)' }),
  /** Only findings about this alert or recording rule. */
  alert: z.string().min(1).optional(),
  /** Only findings about this dashboard (uid). */
  dashboard: z.string().min(1).optional(),
  /** Only findings about this panel (title). */
  panel: z.string().min(1).optional(),
  /** Why the finding is acceptable here; required, so nothing is silenced without one. */
  reason: z
    .string()
    .min(10)
    .regex(/\S/)
    .meta({ expected: 'a reason of at least 10 characters saying why the check does not apply' }),
});

const Checks = z.strictObject({
  exclude: z.array(CheckExclusion).default([]),
});

// ---------------------------------------------------------------------------------------------------------------
// Where the stack runs: one Docker host (default) or a Kubernetes cluster with the Prometheus Operator.

/** A Kubernetes object name or namespace (RFC 1123 label). */
const KubeName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(53)
  .meta({ expected: 'a lowercase DNS label of at most 53 characters (letters, digits, "-"), such as "monitoring"' });
const ChartVersion = z
  .string()
  .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/)
  .meta({ expected: 'a pinned chart version such as "67.8.0" (no ranges, no "latest")' });

/**
 * Pinned Helm chart versions: kube-prometheus-stack 67.8.0 (Prometheus Operator v0.79.2, prometheus-community/helm-charts
 * charts/kube-prometheus-stack/Chart.yaml), grafana/loki production/helm/loki/Chart.yaml 6.29.0 (Loki 3.4.2) and
 * grafana/alloy operations/helm/charts/alloy/Chart.yaml at tag helm-chart/1.11.1 (appVersion v1.18.1, the Alloy of
 * DEFAULT_VERSIONS).
 */
export const DEFAULT_CHART_VERSIONS = {
  kubePrometheusStack: '67.8.0',
  loki: '6.29.0',
  alloy: '1.11.1',
} as const;

/** Kubernetes quantities: CPU ("500m", "2") and memory/storage ("256Mi", "50Gi"). */
const CpuQuantity = z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/).meta({ expected: 'a CPU quantity such as "500m" or "2"' });
const ByteQuantity = z.string().regex(/^[0-9]+(Ki|Mi|Gi|Ti)$/).meta({ expected: 'a quantity such as "256Mi" or "50Gi"' });
const Resources = (requests: { cpu: string; memory: string }, limits: { cpu: string; memory: string }) =>
  z
    .strictObject({
      requests: z.strictObject({ cpu: CpuQuantity.default(requests.cpu), memory: ByteQuantity.default(requests.memory) }).prefault({}),
      limits: z.strictObject({ cpu: CpuQuantity.default(limits.cpu), memory: ByteQuantity.default(limits.memory) }).prefault({}),
    })
    .prefault({});

/**
 * Requests and limits of every workload kube-prometheus-stack runs: the scheduler places by requests, limits bound
 * what a runaway query or a cardinality spike can take from the node.
 */
const KubernetesResources = z
  .strictObject({
    prometheus: Resources({ cpu: '500m', memory: '2Gi' }, { cpu: '2', memory: '4Gi' }),
    alertmanager: Resources({ cpu: '50m', memory: '128Mi' }, { cpu: '200m', memory: '256Mi' }),
    grafana: Resources({ cpu: '100m', memory: '256Mi' }, { cpu: '500m', memory: '512Mi' }),
    operator: Resources({ cpu: '100m', memory: '128Mi' }, { cpu: '500m', memory: '256Mi' }),
    configReloader: Resources({ cpu: '10m', memory: '32Mi' }, { cpu: '100m', memory: '64Mi' }),
    kubeStateMetrics: Resources({ cpu: '50m', memory: '128Mi' }, { cpu: '200m', memory: '256Mi' }),
    nodeExporter: Resources({ cpu: '50m', memory: '64Mi' }, { cpu: '200m', memory: '128Mi' }),
    /** The blackbox exporter that runs `probes` (on the cluster only when the stack has probes). */
    blackbox: Resources({ cpu: '20m', memory: '32Mi' }, { cpu: '200m', memory: '64Mi' }),
  })
  .prefault({});

/** An S3 or GCS bucket name: 3-63 lowercase letters, digits, "." and "-" (both providers' naming rules). */
const BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
  .meta({ expected: 'a bucket name of 3-63 lowercase letters, digits, "." and "-"' });
/**
 * Loki's buckets (grafana/loki helm-loki-6.29.0 values.yaml `loki.storage.bucketNames`: "Loki requires a bucket for
 * chunks and the ruler"; the third, `admin`, is for Grafana Enterprise Logs only). One bucket may serve both.
 */
const LokiBuckets = z.strictObject({ chunks: BucketName, ruler: BucketName });

/**
 * Where Loki keeps chunks, index and rules (the chart's `loki.storage.type` and `loki.storage.{s3,gcs}` at 6.29.0).
 * `filesystem` is a volume of the single binary; `simple-scalable` needs object storage (the chart renders no
 * read/write/backend without it: templates/_helpers.tpl `loki.deployment.isScalable`). Credentials are secret
 * references: Pulumi puts them in a Kubernetes Secret, Loki reads them from environment variables or a mounted file.
 * The single binary may use object storage too (the chart renders `loki.storage` in every mode), for logs that outlive
 * its volume. Changing the type of an existing installation starts with an empty store (the schema period names it).
 */
const LokiObjectStorage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('filesystem') }),
  z.strictObject({
    type: z.literal('s3'),
    bucketNames: LokiBuckets,
    /** AWS region (any value, e.g. "us-east-1", for an S3-compatible store such as MinIO). */
    region: z.string().regex(/^[a-z0-9-]+$/).meta({ expected: 'a region such as "eu-central-1"' }),
    /** An S3-compatible store's host[:port], without scheme or credentials; AWS S3 when left out. */
    endpoint: z
      .string()
      .regex(/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?$/)
      .meta({ expected: 'a host[:port] such as "minio.storage:9000" (no scheme, no credentials)' })
      .optional(),
    /** Path-style addressing (`<endpoint>/<bucket>`), which MinIO and most S3-compatible stores need. */
    s3ForcePathStyle: z.boolean().default(false),
    /** Plain HTTP to the endpoint (an in-cluster store without TLS). */
    insecure: z.boolean().default(false),
    /** Static credentials, both or neither (neither: the pod's own identity, e.g. an IAM role for its node). */
    accessKeyId: SecretRef.optional(),
    secretAccessKey: SecretRef.optional(),
  }),
  z.strictObject({
    type: z.literal('gcs'),
    bucketNames: LokiBuckets,
    /** A service account key (JSON); without it, the pod's own identity (Workload Identity). */
    serviceAccount: SecretRef.optional(),
  }),
]);

/** A role of Loki's simple scalable mode: replicas (the chart's default, 3) and resources. */
const lokiRole = (requests: { cpu: string; memory: string }, limits: { cpu: string; memory: string }) => ({
  replicas: z.number().int().min(1).max(20).default(3),
  resources: Resources(requests, limits),
});

/**
 * The simple scalable roles (grafana/loki helm-loki-6.29.0 values.yaml `read`, `write`, `backend`, `gateway`): write
 * takes pushes and keeps a WAL on its volume, read answers queries, backend runs the compactor, ruler and index
 * gateway, and the gateway (nginx) is the one address both pushes and queries go to.
 */
const LokiSimpleScalable = z
  .strictObject({
    read: z.strictObject(lokiRole({ cpu: '100m', memory: '256Mi' }, { cpu: '1', memory: '1Gi' })).prefault({}),
    write: z
      .strictObject({ ...lokiRole({ cpu: '200m', memory: '512Mi' }, { cpu: '1', memory: '2Gi' }), storage: ByteQuantity.default('10Gi') })
      .prefault({}),
    backend: z
      .strictObject({ ...lokiRole({ cpu: '100m', memory: '256Mi' }, { cpu: '1', memory: '1Gi' }), storage: ByteQuantity.default('10Gi') })
      .prefault({}),
    gateway: z
      .strictObject({
        replicas: z.number().int().min(1).max(10).default(1),
        resources: Resources({ cpu: '50m', memory: '64Mi' }, { cpu: '500m', memory: '256Mi' }),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * Loki on the cluster (grafana/loki chart, `chartVersions.loki`) when `components.loki` is enabled. The chart's
 * recommendation by daily log volume (values.yaml `deploymentMode`): `single-binary` "up to a few tens of GB/day",
 * one replica with `storage` as its volume; `simple-scalable` "up to about 1TB/day", read, write and backend replicas
 * on object storage. (Above that, the chart's Distributed mode; not offered here.)
 */
const KubernetesLoki = z
  .strictObject({
    mode: z.enum(['single-binary', 'simple-scalable']).default('single-binary'),
    objectStorage: LokiObjectStorage.default({ type: 'filesystem' }),
    /** The single binary's volume (chunks and index with `filesystem` storage; WAL and caches otherwise). */
    storage: ByteQuantity.default('50Gi'),
    /** The single binary's requests and limits. */
    resources: Resources({ cpu: '200m', memory: '512Mi' }, { cpu: '1', memory: '2Gi' }),
    simpleScalable: LokiSimpleScalable,
  })
  .prefault({});

const KubernetesTarget = z.strictObject({
  kind: z.literal('kubernetes'),
  namespace: KubeName,
  /** The Helm release of kube-prometheus-stack: its selectors pick objects labelled `release: <release>`. */
  release: KubeName,
  chartVersions: z
    .strictObject({
      kubePrometheusStack: ChartVersion.default(DEFAULT_CHART_VERSIONS.kubePrometheusStack),
      loki: ChartVersion.default(DEFAULT_CHART_VERSIONS.loki),
      alloy: ChartVersion.default(DEFAULT_CHART_VERSIONS.alloy),
    })
    .prefault({}),
  /** The StorageClass of the Prometheus and Alertmanager volumes; the cluster's default class when left out. */
  storageClass: KubeName.optional(),
  /** Volume sizes; the volumes outlive the pods and the StatefulSets (the operator keeps their claims). */
  storage: z.strictObject({ prometheus: ByteQuantity.default('50Gi'), alertmanager: ByteQuantity.default('2Gi') }).prefault({}),
  resources: KubernetesResources,
  /** Jaeger on the cluster when `components.jaeger` is enabled (its config, image and storage choice as on Docker). */
  jaeger: z
    .strictObject({
      storage: ByteQuantity.default('20Gi'),
      resources: Resources({ cpu: '100m', memory: '256Mi' }, { cpu: '1', memory: '1Gi' }),
    })
    .prefault({}),
  loki: KubernetesLoki,
  /**
   * The log collector on the cluster (grafana/alloy chart, `chartVersions.alloy`) when `components.loki` is enabled
   * and there are log sources: one non-root Alloy per node, tailing its node's pods through the API server.
   */
  alloy: z
    .strictObject({
      resources: Resources({ cpu: '50m', memory: '128Mi' }, { cpu: '500m', memory: '512Mi' }),
    })
    .prefault({}),
  replicas: z
    .strictObject({
      prometheus: z.number().int().min(1).max(10).default(1),
      alertmanager: z.number().int().min(1).max(10).default(1),
    })
    .prefault({}),
  /** Prometheus retention on the cluster; defaults to `prometheus.retentionTime`. */
  retention: Duration.optional(),
  /** The chart's own default rules and dashboards: off, so the catalog is the single source of alerts. */
  chartDefaults: z.strictObject({ rules: z.boolean().default(false), dashboards: z.boolean().default(false) }).prefault({}),
});
const DockerTarget = z.strictObject({ kind: z.literal('docker') });
const Target = z.discriminatedUnion('kind', [DockerTarget, KubernetesTarget]);

// ---------------------------------------------------------------------------------------------------------------
// The stack

export const StackSchema = z.strictObject({
  name: Identifier,
  /** Environment label put on every series and alert (external label `environment`). */
  environment: Identifier,
  /** Host address every published port binds to. Keep 127.0.0.1 unless a reverse proxy or firewall fronts it. */
  bindAddress: HostAddress.default('127.0.0.1'),
  components: Components.prefault({}),
  prometheus: PrometheusSettings.prefault({}),
  /** Metric families of this stack's own applications, beside the built-in ones of metrics/families.ts. */
  metricFamilies: z.record(OwnFamilyName, MetricFamily).default({}),
  scrapeTargets: z.array(ScrapeTarget).default([]),
  /** HTTP probes of health endpoints (blackbox exporter); a failing probe raises the critical ProbeFailed. */
  probes: z.array(Probe).default([]),
  alerts: Alerts.prefault({}),
  alertmanager: Alertmanager,
  logs: Logs.prefault({}),
  grafana: Grafana.prefault({}),
  dashboards: Dashboards.prefault({}),
  /** Service level objectives, each with recording rules, burn-rate alerts, behaviour tests and a dashboard. */
  slos: z.array(Slo).default([]),
  /** Settings of `npm run check`'s named checks: reasoned exclusions. */
  checks: Checks.prefault({}),
  /** Where the stack runs: `docker` (default) or `kubernetes` (kube-prometheus-stack; manifests under synth's manifests/). */
  target: Target.default({ kind: 'docker' }),
});

/** What a user writes (fields with defaults are optional). */
export type StackInput = z.input<typeof StackSchema>;
/** The validated config with every default applied. */
export type Stack = z.output<typeof StackSchema>;
export type ScrapeTargetConfig = Stack['scrapeTargets'][number];
export type ScrapeTargetKubernetesConfig = NonNullable<ScrapeTargetConfig['kubernetes']>;
export type AlertSpecInput = z.input<typeof AlertSpec>;
export type AlertSpecConfig = z.output<typeof AlertSpec>;
export type ReceiverConfig = Stack['alertmanager']['receivers'][number];
export type RouteConfig = RouteShape;
export type SloConfig = Stack['slos'][number];
export type SloInput = z.input<typeof Slo>;
export type ConfigDashboardConfig = Stack['dashboards']['custom'][number];
export type ConfigPanelConfig = ConfigDashboardConfig['panels'][number];
export type SecretRefValue = z.output<typeof SecretRef>;
export type RuleSetName = (typeof RULE_SET_NAMES)[number];
export type FamilyMappingConfig = z.output<typeof FamilyMapping>;
export type MetricFamilyConfig = z.output<typeof MetricFamily>;
export type ProbeConfig = Stack['probes'][number];
export type RemoteWriteConfig = Stack['prometheus']['remoteWrite'][number];
/** The stack's own components (the exporters are `ExporterName`s). `blackbox` is one, deployed only with `probes`. */
export type ComponentName = Exclude<keyof Stack['components'], ExporterName>;
export type CheckExclusionConfig = Stack['checks']['exclude'][number];
export type KubernetesTargetConfig = Extract<Stack['target'], { kind: 'kubernetes' }>;
export type KubernetesResourcesConfig = KubernetesTargetConfig['resources']['prometheus'];
export type LokiObjectStorageConfig = KubernetesTargetConfig['loki']['objectStorage'];
export const COMPONENT_NAMES: ComponentName[] = ['prometheus', 'alertmanager', 'grafana', 'loki', 'promtail', 'jaeger', 'alloy'];
export type LogSourceConfig = Stack['logs']['sources'][number];
export type PodLogsConfig = NonNullable<LogSourceConfig['kubernetes']>;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Typed identity for `stacks/<name>.ts`: gives completion and compile-time checks. */
export function defineStack(config: StackInput): StackInput {
  return config;
}

/**
 * JSON Schema (draft-07) derived from the zod schema. Discriminated unions get ajv's `discriminator` keyword so an
 * error in an alert (or a storage) is reported against the chosen `kind` (`type`) only.
 */
export function buildJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(StackSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  addDiscriminators(schema);
  schema.$id = 'https://github.com/monitoring-stack/schema/stack.schema.json';
  schema.title = 'Monitoring stack config';
  return schema;
}

function addDiscriminators(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(addDiscriminators);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const branches = obj.oneOf as Array<Record<string, any>> | undefined;
  const propertyName = ['kind', 'type'].find((p) => Array.isArray(branches) && branches.every((b) => b.properties?.[p]?.const !== undefined));
  if (propertyName) {
    obj.discriminator = { propertyName };
    obj.type = 'object';
  }
  Object.values(obj).forEach(addDiscriminators);
}
