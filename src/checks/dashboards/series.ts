/**
 * What each scrape job's series are, from the stack's typed config: per exported series name, its type and the
 * label names it carries on each job: the family's labels under the target's label mapping (metrics/families.ts,
 * scrapeTargets[].metrics), the host exporters' metrics on a job that scrapes one (HOST_METRICS), the histogram's
 * `le` on `_bucket`, plus what Prometheus adds to every series of the job
 * (`job`, `instance` and the target's labels).
 */
import type { Stack } from '../../schema';
import type { MetricType } from '../../metrics';
import { COMPONENT_METRICS, HOST_METRICS, hostExportersOf, SCRAPE_METRICS, stackFamilies } from '../../metrics';
import { familyMapping } from '../../mapping';
import { scrapeJobs } from '../../jobs';

export interface SeriesDef {
  job: string;
  /** `counter` also for a histogram's `_bucket`, `_sum` and `_count`. */
  type: MetricType;
  labels: Set<string>;
}

type Def = { type: MetricType; labels: readonly string[] };

/** Exported series name → its definition on each job that provides it. */
export function seriesDefinitions(stack: Stack): Map<string, SeriesDef[]> {
  const out = new Map<string, SeriesDef[]>();
  const families = stackFamilies(stack);
  for (const job of scrapeJobs(stack)) {
    const targetLabels = ['job', 'instance', ...Object.keys(job.labels)];
    const dropped = job.dropMetrics.map((re) => new RegExp(`^(?:${re})$`));
    const add = (name: string, def: Def, rename: (l: string) => string = (l) => l) => {
      for (const [series, type, extra] of expandSeries(name, def)) {
        if (dropped.some((re) => re.test(series))) continue;
        const labels = new Set([...def.labels.map(rename), ...extra, ...targetLabels]);
        out.set(series, [...(out.get(series) ?? []), { job: job.job, type, labels }]);
      }
    };
    for (const [name, def] of Object.entries(SCRAPE_METRICS)) add(name, def);
    if (job.component) for (const [name, def] of Object.entries(COMPONENT_METRICS[job.component] as Record<string, Def>)) add(name, def);
    for (const e of hostExportersOf(stack, job)) for (const [name, def] of Object.entries(HOST_METRICS[e] as Record<string, Def>)) add(name, def);
    for (const family of job.component ? [] : job.ruleSets) {
      const m = familyMapping(stack, job.job, family);
      for (const [name, def] of Object.entries(families[family] ?? {})) add(m.names[name] ?? name, def, (l) => m.labels[l] ?? l);
    }
  }
  return out;
}

/** A histogram's classic series: `_bucket` (with `le`), `_sum`, `_count`, all counters. */
function expandSeries(name: string, def: Def): Array<[string, MetricType, string[]]> {
  if (def.type !== 'histogram') return [[name, def.type, []]];
  return [
    [name, 'histogram', []],
    [`${name}_bucket`, 'counter', ['le']],
    [`${name}_sum`, 'counter', []],
    [`${name}_count`, 'counter', []],
  ];
}
