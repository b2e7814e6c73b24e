/**
 * Synthetic series for the rule-cost benchmark, as OpenMetrics text for `promtool tsdb create-blocks-from
 * openmetrics`: for every scrape job of a stack, `up` per target, the metrics of each family it declares
 * (metrics/families.ts; histograms as `_bucket`/`_sum`/`_count`), and each component's own metrics (self-scrapes).
 * Label values come from LABEL_VALUES (or the family's own `values`), so every series a catalog matcher selects
 * exists. Deterministic: values depend only on the series and the sample's offset from `start`.
 */
import * as fs from 'node:fs';
import { COMPONENT_METRICS, METRIC_FAMILIES, MetricDef } from '../../metrics/families';
import type { ScrapeJob } from '../../src/jobs';

export interface SeriesWindow {
  /** Last sample time, ms since the epoch. */
  end: number;
  /** How far back the first sample lies, ms. */
  history: number;
  /** Sample spacing, ms (a scrape interval). */
  step: number;
}

/** One time series: its name, labels and how its value moves. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  /** A counter grows by `rate` per second from 0; a gauge stays at `rate`. */
  counter: boolean;
  rate: number;
}

/** Values of the labels metric families carry; a label not listed gets one value. */
const LABEL_VALUES: Record<string, string[]> = {
  method: ['GET', 'POST'],
  endpoint: ['/api/chat', '/api/history'],
  status: ['200', '404', '500'],
  model: ['llama3', 'gpt-4o'],
  operation: ['select', 'insert'],
  cache: ['session', 'response'],
};

/** A label's values: the family's own when they are literal (`success`/`error`), else the table's. */
function valuesOf(def: MetricDef, label: string): string[] {
  const own = def.values?.[label];
  if (own && own.every((v) => /^[\w-]+$/.test(v))) return [...own];
  return LABEL_VALUES[label] ?? [`${label}-a`];
}

/** Every combination of the metric's label values. */
function combinations(def: MetricDef): Array<Record<string, string>> {
  return def.labels.reduce<Array<Record<string, string>>>(
    (acc, label) => acc.flatMap((l) => valuesOf(def, label).map((v) => ({ ...l, [label]: v }))),
    [{}],
  );
}

/** A stable number in [0, 1) per series, so that services differ but runs do not. */
function unit(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

const ERROR_VALUES = new Set(['404', '500', 'error']);

/** The series of one metric on one target. */
function metricSeries(name: string, def: MetricDef, base: Record<string, string>): Series[] {
  return combinations(def).flatMap((extra): Series[] => {
    const labels = { ...base, ...extra };
    const u = unit(`${name}${JSON.stringify(labels)}`);
    // Errors are a few percent of the traffic: ratios stay near the catalog's thresholds, like a real service.
    const rate = (0.5 + 4.5 * u) * (Object.values(extra).some((v) => ERROR_VALUES.has(v)) ? 0.02 : 1);
    if (def.type === 'counter') return [{ name, labels, counter: true, rate }];
    if (def.type === 'gauge') return [{ name, labels, counter: false, rate: /(^|_)up$/.test(name) ? 1 : Math.round(20 + 50 * u) }];
    const buckets = [...(def.buckets ?? []).map(String), '+Inf'];
    // Cumulative buckets: the share below each bound grows to the whole count at +Inf.
    return [
      ...buckets.map((le, i) => ({ name: `${name}_bucket`, labels: { ...labels, le }, counter: true, rate: (rate * (i + 1)) / buckets.length })),
      { name: `${name}_sum`, labels, counter: true, rate: rate * 0.3 },
      { name: `${name}_count`, labels, counter: true, rate },
    ];
  });
}

/** All series of the jobs: `up` per target, then each declared family's metrics, then a component's own. */
export function seriesOf(jobs: ScrapeJob[]): Series[] {
  const families = METRIC_FAMILIES as Record<string, Record<string, MetricDef>>;
  const components = COMPONENT_METRICS as Record<string, Record<string, MetricDef>>;
  const out: Series[] = [];
  for (const job of jobs) {
    for (const instance of job.targets) {
      const base = { job: job.job, instance, ...job.labels };
      out.push({ name: 'up', labels: base, counter: false, rate: 1 });
      const metrics = [...job.ruleSets.map((r) => families[r] ?? {}), job.component ? components[job.component] : {}];
      for (const family of metrics) for (const [name, def] of Object.entries(family)) out.push(...metricSeries(name, def, base));
    }
  }
  // OpenMetrics keeps a metric's samples together: order by name, stable within.
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The OpenMetrics text lines of one series over the window. */
function seriesLines(s: Series, w: SeriesWindow): string {
  const sel = `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
  const lines: string[] = [];
  for (let t = w.end - w.history; t <= w.end; t += w.step) {
    const value = s.counter ? Math.round(s.rate * (t - (w.end - w.history))) / 1000 : s.rate;
    lines.push(`${sel} ${value} ${(t / 1000).toFixed(3)}\n`);
  }
  return lines.join('');
}

/** Writes the series as an OpenMetrics file (ends with `# EOF`); returns the counts. */
export function writeOpenMetrics(file: string, series: Series[], w: SeriesWindow): { series: number; samples: number } {
  const fd = fs.openSync(file, 'w');
  let samples = 0;
  try {
    let buffer: string[] = [];
    for (const s of series) {
      const text = seriesLines(s, w);
      buffer.push(text);
      samples += Math.floor(w.history / w.step) + 1;
      if (buffer.length >= 500) fs.writeSync(fd, buffer.join('')), (buffer = []);
    }
    fs.writeSync(fd, `${buffer.join('')}# EOF\n`);
  } finally {
    fs.closeSync(fd);
  }
  return { series: series.length, samples };
}
