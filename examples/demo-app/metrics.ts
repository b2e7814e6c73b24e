/**
 * The seed metric catalog, exported with prom-client. Every metric (name, type, help, labels, buckets) comes from
 * metrics/families.ts, the definitions the alert catalog and the dashboards read too, so whatever they query, the
 * demo app exports. The app serves the http, ai, database, cache, websocket and system families on /metrics; the
 * redis and postgres families are simulated exporters (like redis_exporter and postgres_exporter) with registries of
 * their own. Given a stack's mappings (scrapeTargets[].metrics), it exports each family under the mapped metric
 * names, label names and label values instead, as a differently named application would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { FamilyMetricName, METRIC_FAMILIES, MetricDef } from '../../src/metrics';
import { mapSample, Mapping } from '../../src/mapping';
import type { RuleSetName } from '../../src/schema';

/** Dependencies the app talks to; each can be taken down by fault injection. */
export const DEPENDENCIES = ['redis', 'postgres', 'ai'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** Families the app itself exports; the others are its simulated exporters. */
export const APP_FAMILIES = ['http', 'ai', 'database', 'cache', 'websocket', 'system', 'users'] as const satisfies RuleSetName[];
export const EXPORTER_FAMILIES = ['redis', 'postgres'] as const satisfies RuleSetName[];
export type ExporterFamily = (typeof EXPORTER_FAMILIES)[number];

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/** Registers a family's metrics under their exported names; `into` keys them by logical name. */
function register(registry: Registry, defs: Record<string, MetricDef>, map: Mapping | undefined, into: Map<string, AnyMetric>): void {
  for (const [name, def] of Object.entries(defs)) {
    const labelNames = def.labels.map((l) => map?.labels[l] ?? l);
    const common = { name: map?.names[name] ?? name, help: def.help, labelNames, registers: [registry] };
    const m =
      def.type === 'counter'
        ? new Counter(common)
        : def.type === 'gauge'
          ? new Gauge(common)
          : new Histogram({ ...common, buckets: [...(def.buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])] });
    into.set(name, map ? mapped(m, map) : m);
  }
}

/** The metric with `labels({...})` taking logical label names and values, as the app's code writes them. */
function mapped<T extends AnyMetric>(metric: T, map: Mapping): T {
  return new Proxy(metric, {
    get(target, prop) {
      if (prop === 'labels') return (labels: Record<string, string>) => target.labels(mapSample(map, labels));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface MetricsOptions {
  diskPath: string;
  /** Per family, how to export it (a stack's scrapeTargets[].metrics entry); absent: the family's own names. */
  mappings?: Partial<Record<RuleSetName, Mapping>>;
}

export function createMetrics(opts: MetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const all = new Map<string, AnyMetric>();
  for (const family of APP_FAMILIES) register(registry, METRIC_FAMILIES[family], opts.mappings?.[family], all);
  const exporters = {} as Record<ExporterFamily, Registry>;
  for (const family of EXPORTER_FAMILIES) {
    exporters[family] = new Registry();
    register(exporters[family], METRIC_FAMILIES[family], opts.mappings?.[family], all);
  }

  /** Typed access by family and name; the name is checked at compile time, the type at run time. */
  function get<T extends AnyMetric>(family: RuleSetName, name: string, type: new (...args: never[]) => T): T {
    const m = all.get(name);
    if (!(m instanceof type)) throw new Error(`${family}.${name} is not a ${type.name}`);
    return m;
  }
  const counter = <F extends RuleSetName>(family: F, name: FamilyMetricName<F>) => get(family, name, Counter<string>);
  const gauge = <F extends RuleSetName>(family: F, name: FamilyMetricName<F>) => get(family, name, Gauge<string>);
  const histogram = <F extends RuleSetName>(family: F, name: FamilyMetricName<F>) => get(family, name, Histogram<string>);

  // Counters with an outcome label start at 0, so ratios have a denominator from the first scrape.
  for (const status of ['success', 'error']) counter('ai', 'ai_requests_total').labels({ model: 'llama3', status }).inc(0);
  counter('cache', 'cache_hits_total').labels({ cache: 'redis' }).inc(0);
  counter('cache', 'cache_misses_total').labels({ cache: 'redis' }).inc(0);
  counter('websocket', 'websocket_connection_attempts_total').inc(0);
  counter('websocket', 'websocket_connection_failures_total').inc(0);

  let lastCpu = cpuTimes();
  /** Samples the system gauges (percent of the host this process runs on). */
  const sampleSystem = () => {
    const now = cpuTimes();
    const busy = now.busy - lastCpu.busy;
    const total = now.total - lastCpu.total;
    if (total > 0) gauge('system', 'system_cpu_usage').set(round1((busy / total) * 100));
    lastCpu = now;
    gauge('system', 'system_memory_usage').set(round1((1 - os.freemem() / os.totalmem()) * 100));
    try {
      const s = fs.statfsSync(opts.diskPath);
      gauge('system', 'system_disk_usage').set(round1((1 - s.bavail / s.blocks) * 100));
    } catch {
      // Keep the last value; the path may be gone for a moment.
    }
  };
  sampleSystem();

  return { registry, exporters, counter, gauge, histogram, sampleSystem };
}

export type DemoMetrics = ReturnType<typeof createMetrics>;

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    const sum = t.user + t.nice + t.sys + t.idle + t.irq;
    total += sum;
    busy += sum - t.idle;
  }
  return { busy, total };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
