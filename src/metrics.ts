/**
 * Reads the metric families (metrics/families.ts, plus the stack's own `metricFamilies`) and answers what a stack's
 * scrape jobs provide, under the names their exporters really use (scrapeTargets[].metrics, see src/mapping.ts).
 * The alert catalog and the dashboards take logical names from here (`metric(family, name)`); the dashboard check
 * rejects a panel that queries a metric no configured target provides.
 */
import type { ComponentName, Stack } from './schema';
import { ScrapeJob, scrapeJobs } from './jobs';
import { COMPONENT_METRICS, HOST_METRICS, METRIC_FAMILIES, MetricDef, PROBE_METRICS, SCRAPE_METRICS } from '../metrics/families';
import { exportedSeries } from './mapping';
import { sloRecords } from './render/slo';
import { exporterAddress } from './exporters';

export { COMPONENT_METRICS, HOST_METRICS, METRIC_FAMILIES, PROBE_METRICS, SCRAPE_METRICS };
export type { MetricDef, MetricType } from '../metrics/families';

/** Built-in family names. */
export type BuiltinFamily = keyof typeof METRIC_FAMILIES;
export type FamilyMetricName<F extends BuiltinFamily> = keyof (typeof METRIC_FAMILIES)[F] & string;
export type ComponentMetricName<C extends ComponentName> = keyof (typeof COMPONENT_METRICS)[C] & string;

// Every component has an entry (possibly empty): checked here, where ComponentName is known.
COMPONENT_METRICS satisfies Record<ComponentName, Record<string, MetricDef>>;

/** A family's logical metric name, checked at compile time: `metric('http', 'http_requests_total')`. */
export function metric<F extends BuiltinFamily>(family: F, name: FamilyMetricName<F>): string {
  return name;
}

/** A component's own metric name (or a per-target scrape metric such as `up`), checked at compile time. */
export function componentMetric<C extends ComponentName>(
  component: C,
  name: ComponentMetricName<C> | keyof typeof SCRAPE_METRICS,
): string {
  return name;
}

/** A host exporter's metric name (node-exporter, cAdvisor), checked at compile time. */
export function hostMetric<E extends HostExporter>(exporter: E, name: keyof (typeof HOST_METRICS)[E] & string): string {
  return name;
}

/** The exporters with host metrics: node-exporter and cAdvisor. */
export type HostExporter = keyof typeof HOST_METRICS;

/** The enabled host exporters a scrape job scrapes (its targets include the exporter's address). */
export function hostExportersOf(stack: Stack, job: Pick<ScrapeJob, 'targets' | 'component' | 'probe'>): HostExporter[] {
  if (job.component || job.probe) return [];
  return (Object.keys(HOST_METRICS) as HostExporter[]).filter((e) => stack.components[e].enabled && job.targets.includes(exporterAddress(e)));
}

/** The scrape jobs that scrape an enabled host exporter, in config order. */
export function jobsWithHostExporter(stack: Stack, exporter: HostExporter): string[] {
  return scrapeJobs(stack)
    .filter((j) => hostExportersOf(stack, j).includes(exporter))
    .map((j) => j.job);
}

/** A metric of a probe's job (blackbox exporter), checked at compile time. */
export function probeMetric(name: keyof typeof PROBE_METRICS): string {
  return name;
}

/** The series names a metric appears under: a histogram as `_bucket`, `_sum` and `_count` (and its base name). */
export function seriesNames(name: string, def: Pick<MetricDef, 'type'>): string[] {
  return def.type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

function expand(defs: Record<string, Pick<MetricDef, 'type'>>): string[] {
  return Object.entries(defs).flatMap(([name, def]) => seriesNames(name, def));
}

/** The families a stack knows: the built-in ones and its own `metricFamilies`. */
export function stackFamilies(stack?: Stack): Record<string, Record<string, Pick<MetricDef, 'type' | 'labels' | 'buckets' | 'values'>>> {
  const own = Object.fromEntries(Object.entries(stack?.metricFamilies ?? {}).map(([f, fam]) => [f, fam.metrics]));
  return { ...METRIC_FAMILIES, ...own };
}

/** Every logical series name a family provides (a stack's own family when the stack is given). */
export function familySeries(family: string, stack?: Stack): string[] {
  return expand(stackFamilies(stack)[family] ?? {});
}

/** Every series name a component's self-scrape job provides (including the scrape metrics). */
export function componentSeries(component: ComponentName): string[] {
  return [...expand(SCRAPE_METRICS), ...expand(COMPONENT_METRICS[component])];
}

/** The family a logical series name belongs to, if any. */
export function familyOf(series: string, stack?: Stack): string | undefined {
  return Object.keys(stackFamilies(stack)).find((family) => familySeries(family, stack).includes(series));
}

/**
 * Series name → the scrape jobs of the stack that provide it: the components' own metrics and the targets'
 * families under the names each target exports them, node-exporter's and cAdvisor's on the jobs that scrape them,
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
      : job.probe
        ? [...expand(SCRAPE_METRICS), ...expand(PROBE_METRICS)]
        : [
            ...expand(SCRAPE_METRICS),
            ...job.ruleSets.flatMap((f) => exportedSeries(stack, job.job, f)),
            ...hostExportersOf(stack, job).flatMap((e) => expand(HOST_METRICS[e])),
          ];
    // Metrics a target drops at scrape time (anchored regexes) never reach Prometheus.
    const dropped = job.dropMetrics.map((re) => new RegExp(`^(?:${re})$`));
    for (const name of names) if (!dropped.some((re) => re.test(name))) add(name, job.job);
  }
  // Prometheus records the SLO series itself (src/render/slo.ts).
  if (stack.components.prometheus.enabled) for (const name of sloRecords(stack)) add(name, 'prometheus');
  return out;
}

/** The scrape jobs (user targets) that declare a family, in config order. */
export function jobsWithFamily(stack: Stack, family: string): string[] {
  return scrapeJobs(stack)
    .filter((j) => !j.component && j.ruleSets.includes(family))
    .map((j) => j.job);
}
