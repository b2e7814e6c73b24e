/** The scrape jobs of a stack: the user's targets plus a self-scrape job for every enabled component. */
import { COMPONENT_NAMES, ComponentName, ProbeConfig, ScrapeTargetKubernetesConfig, Stack } from './schema';
import { parseDuration } from './duration';

/** Ports the components listen on inside their containers (host ports are configurable separately). */
export const CONTAINER_PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  grafana: 3000,
  loki: 3100,
  promtail: 9080,
  jaeger: 16686,
  // Alloy's HTTP server (UI, /metrics, /-/ready): --server.http.listen-addr, default port 12345.
  alloy: 12345,
  blackbox: 9115,
} as const satisfies Record<ComponentName, number>;

/** Where each component serves its own metrics inside the stack network (Jaeger v2: collector telemetry). */
export const METRICS_PORTS: Record<ComponentName, number> = { ...CONTAINER_PORTS, jaeger: 8888 };

/** How the rendered files address components; tests running processes on 127.0.0.1 pass their own. */
export type AddressOf = (component: ComponentName, port: number) => string;
/** In the Docker network every component is reachable by its name. */
export const dockerAddress: AddressOf = (component, port) => `${component}:${port}`;

export interface ScrapeJob {
  job: string;
  targets: string[];
  metricsPath: string;
  scheme: 'http' | 'https';
  interval?: string;
  timeout?: string;
  labels: Record<string, string>;
  dropMetrics: string[];
  /** Metric families (built-in or the stack's own). */
  ruleSets: string[];
  /** Set for a component's self-scrape job. */
  component?: ComponentName;
  /** Set for a probe's job: Prometheus asks the blackbox exporter at `exporter` to probe each target with `module`. */
  probe?: { module: string; exporter: string };
  /** On a kubernetes target: discover the target's Services or pods (a ServiceMonitor/PodMonitor) instead of `targets`. */
  kubernetes?: ScrapeTargetKubernetesConfig;
}

export function enabledComponents(stack: Stack): ComponentName[] {
  return COMPONENT_NAMES.filter((c) => stack.components[c].enabled);
}

export function scrapeJobs(stack: Stack, addressOf: AddressOf = dockerAddress): ScrapeJob[] {
  const self: ScrapeJob[] = enabledComponents(stack).map((component) => ({
    job: component,
    targets: [component === 'prometheus' && addressOf === dockerAddress ? `localhost:${METRICS_PORTS.prometheus}` : addressOf(component, METRICS_PORTS[component])],
    metricsPath: '/metrics',
    scheme: 'http',
    labels: { service: component },
    dropMetrics: [],
    ruleSets: [],
    component,
  }));
  const user: ScrapeJob[] = stack.scrapeTargets.map((t) => ({
    job: t.job,
    targets: t.targets,
    metricsPath: t.metricsPath,
    scheme: t.scheme,
    interval: t.interval,
    timeout: t.timeout,
    labels: { service: t.job, ...t.labels },
    dropMetrics: t.dropMetrics,
    ruleSets: t.ruleSets,
    ...(t.kubernetes ? { kubernetes: t.kubernetes } : {}),
  }));
  return [...self, ...user, ...probeJobs(stack, addressOf)];
}

/** The blackbox exporter runs only for a stack with probes (and not when disabled). */
export const blackboxDeployed = (stack: Stack): boolean => stack.components.blackbox.enabled && stack.probes.length > 0;

/** One job per probe (its module is named after it), and the blackbox exporter's own metrics. */
export function probeJobs(stack: Stack, addressOf: AddressOf = dockerAddress): ScrapeJob[] {
  if (!blackboxDeployed(stack)) return [];
  const exporter = addressOf('blackbox', CONTAINER_PORTS.blackbox);
  const base = { metricsPath: '/metrics', scheme: 'http' as const, dropMetrics: [], ruleSets: [] };
  const self: ScrapeJob = { ...base, job: 'blackbox', targets: [exporter], labels: { service: 'blackbox' }, component: 'blackbox' };
  return [
    self,
    ...stack.probes.map((p) => ({
      ...base,
      job: p.name,
      targets: [p.url],
      metricsPath: '/probe',
      interval: p.interval,
      timeout: probeTimeout(stack, p),
      labels: { service: p.name, ...p.labels },
      probe: { module: p.name, exporter },
    })),
  ];
}

/** A probe's timeout: its own, else the global scrape timeout cut to its interval (as Prometheus does for a job). */
export function probeTimeout(stack: Stack, p: ProbeConfig): string {
  if (p.timeout) return p.timeout;
  const interval = p.interval ?? stack.prometheus.scrapeInterval;
  const global = stack.prometheus.scrapeTimeout;
  return parseDuration(global) <= parseDuration(interval) ? global : interval;
}

/** The `instance` of a job's test series: its first address, or, for a target a cluster discovers, a pod's. */
export const sampleInstance = (job: Pick<ScrapeJob, 'job' | 'targets'>): string => job.targets[0] ?? `${job.job}-0:9090`;
