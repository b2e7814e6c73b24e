/**
 * The metrics contract: what the rendered rules and dashboards use (usage.ts) against what each job really
 * exports (exposition.ts). One line per problem, naming the rule or panel, the metric or label and what was
 * expected: a metric the job does not export, a label its series do not carry, a function over the wrong metric
 * type (rate() on a gauge, histogram_quantile over anything but a histogram's `_bucket`), and a quantile threshold
 * the histogram can never exceed (histogram_quantile returns at most the highest finite bucket bound).
 */
import type { Stack } from '../schema';
import { scrapeJobs } from '../jobs';
import { providedSeries } from '../metrics';
import { pinnedJobs } from '../promql';
import type { ExposedFamily, Exposition, SeriesPart } from './exposition';
import { dashboardUses, ruleUses, SelectorUse, Use } from './usage';

/** Series Prometheus records itself for every target, and the alert series it writes. */
const SCRAPE_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);
const PROMETHEUS_SERIES = new Set(['ALERTS', 'ALERTS_FOR_STATE']);
/** Range functions that only make sense on counters, and the ones that only make sense on gauges. */
const COUNTER_FNS = new Set(['rate', 'irate', 'increase', 'resets']);
const GAUGE_FNS = new Set(['delta', 'idelta', 'deriv', 'predict_linear']);

interface Found {
  job: string;
  family: ExposedFamily;
  part: SeriesPart;
}

interface Context {
  expositions: Map<string, Exposition>;
  /** Every scrape job of the stack. */
  jobs: string[];
  /** Labels Prometheus adds to every series of a job (job, instance, the target's labels) and external labels. */
  targetLabels: Map<string, Set<string>>;
  recorded: Set<string>;
  /** Each job's dropMetrics, anchored: what the scrape drops never reaches a rule or panel. */
  dropped: Map<string, RegExp[]>;
  /** Series name → jobs the stack declares to provide it: a job without an exposition may be the one. */
  declared: Map<string, string[]>;
}

export interface ContractReport {
  rules: number;
  queries: number;
  problems: string[];
}

/** Checks the synth output in `filesDir` against the expositions (one per job). */
export function checkContract(stack: Stack, filesDir: string, expositions: Exposition[]): ContractReport {
  const byJob = new Map(expositions.map((e) => [e.job, e]));
  const external = Object.keys(stack.prometheus.externalLabels ?? {});
  const jobs = scrapeJobs(stack);
  const { uses: rules, recorded } = ruleUses(filesDir);
  const ctx: Context = {
    expositions: byJob,
    jobs: jobs.map((j) => j.job),
    targetLabels: new Map(jobs.map((j) => [j.job, new Set(['job', 'instance', ...Object.keys(j.labels), ...external])])),
    recorded,
    dropped: new Map(jobs.map((j) => [j.job, j.dropMetrics.map((re) => new RegExp(`^(?:${re})$`))])),
    declared: providedSeries(stack),
  };
  const panels = dashboardUses(filesDir, [...byJob.keys()]);
  const problems = [...rules, ...panels].flatMap((use) => checkUse(use, ctx));
  return { rules: rules.length, queries: panels.length, problems: [...new Set(problems)] };
}

function checkUse(use: Use, ctx: Context): string[] {
  const out: string[] = [];
  const found = new Map<SelectorUse, Found[]>();
  for (const sel of use.usage.selectors) {
    const result = lookup(sel, ctx);
    if (typeof result === 'string') out.push(`${use.where}: ${result}`);
    else if (result) {
      found.set(sel, result);
      out.push(...selectorProblems(sel, result, ctx).map((p) => `${use.where}: ${p}`));
    }
  }
  out.push(...thresholdProblems(use, found).map((p) => `${use.where}: ${p}`));
  out.push(...printedLabelProblems(use, found, ctx).map((p) => `${use.where}: ${p}`));
  return out;
}

/**
 * Where a selector's series come from among the checked jobs: the matches, undefined when no checked job is
 * selected (or a job without an exposition may provide it), or a problem line when none exports it.
 */
function lookup(sel: SelectorUse, ctx: Context): Found[] | string | undefined {
  if (ctx.recorded.has(sel.metric) || PROMETHEUS_SERIES.has(sel.metric)) return undefined;
  const selected = pinnedJobs(sel.matchers) ?? ctx.jobs;
  const checked = selected.filter((j) => ctx.expositions.has(j));
  if (checked.length === 0) return undefined;
  if (SCRAPE_SERIES.has(sel.metric)) {
    return checked.map((job) => ({ job, family: { name: sel.metric, type: 'gauge', labels: new Set(), buckets: [], samples: 1, parts: new Set(['value']) }, part: 'value' }));
  }
  const found = checked.flatMap((job) => {
    const hit = ctx.expositions.get(job)!.series.get(sel.metric);
    return hit ? [{ job, ...hit }] : [];
  });
  const kept = found.filter((f) => !ctx.dropped.get(f.job)?.some((re) => re.test(sel.metric)));
  if (kept.length) return kept;
  if (found.length) {
    return `uses metric ${sel.metric}, which job ${found.map((f) => f.job).join(', ')} exports but the stack drops at scrape time (dropMetrics); expected a metric that is kept`;
  }
  const unchecked = selected.filter((j) => !ctx.expositions.has(j));
  if (unchecked.some((j) => ctx.declared.get(sel.metric)?.includes(j))) return undefined;
  return missingMetric(sel, checked, ctx);
}

function missingMetric(sel: SelectorUse, jobs: string[], ctx: Context): string {
  const who = jobs.length === 1 ? `job "${jobs[0]}" does` : `none of the jobs ${jobs.join(', ')} do`;
  const base = sel.metric.replace(/_bucket$/, '');
  for (const job of jobs) {
    const family = ctx.expositions.get(job)!.families.get(base);
    if (base !== sel.metric && family?.type === 'histogram') {
      return `type mismatch: _bucket missing: job "${job}" exports histogram ${base} without _bucket series; expected its buckets for histogram_quantile`;
    }
    if (base !== sel.metric && family) {
      return `type mismatch: ${sel.metric} is read as a histogram's _bucket series, but job "${job}" exports ${base} as a ${family.type} (no _bucket series); expected a histogram`;
    }
  }
  const near = closest(sel.metric, jobs.flatMap((j) => [...ctx.expositions.get(j)!.series.keys()]));
  return `uses metric ${sel.metric}, which ${who} not export; expected a metric the job exports${near ? ` (did you mean ${near}?)` : ''}`;
}

/** The exported series name sharing most name parts with `metric` (at least half of them), if any. */
function closest(metric: string, names: string[]): string | undefined {
  const parts = new Set(metric.split('_'));
  let best: { name: string; score: number } | undefined;
  for (const name of names) {
    const other = name.split('_');
    const score = other.filter((p) => parts.has(p)).length / Math.max(parts.size, other.length);
    if (score >= 0.5 && (!best || score > best.score)) best = { name, score };
  }
  return best?.name;
}

/** Labels the selector's series carry on some checked job (target labels included); undefined when unknown. */
function carried(found: Found[], ctx: Context): Set<string> | undefined {
  // A family declared without samples (nothing observed yet) shows no labels: they cannot be judged.
  if (found.some((f) => f.family.samples === 0)) return undefined;
  const labels = new Set<string>(['__name__']);
  for (const f of found) {
    for (const l of [...f.family.labels, ...(ctx.targetLabels.get(f.job) ?? [])]) labels.add(l);
    if (f.part === 'bucket') labels.add('le');
    if (f.family.type === 'summary' && f.part === 'value') labels.add('quantile');
  }
  return labels;
}

/** A matcher that also matches a missing label (`x=""`, `x=~".*"`) asks for its absence: not a use. */
function matchesEmpty(op: string, value: string): boolean {
  try {
    if (op === '=') return value === '';
    if (op === '=~') return new RegExp(`^(?:${value})$`).test('');
  } catch {
    return false;
  }
  return false;
}

function selectorProblems(sel: SelectorUse, found: Found[], ctx: Context): string[] {
  const out: string[] = [];
  const has = carried(found, ctx);
  const jobs = [...new Set(found.map((f) => f.job))].join(', ');
  const exported = [...new Set(found.flatMap((f) => [...f.family.labels]))].sort().join(', ') || 'none';
  const uses = [
    ...sel.matchers.filter((m) => !matchesEmpty(m.op, m.value)).map((m) => ({ label: m.label, clause: `matcher ${m.label}${m.op}"${m.value}"` })),
    ...sel.grouping.map((g) => ({ label: g.label, clause: `${g.clause}(${g.label})` })),
  ];
  for (const u of uses.filter((x) => has && !has.has(x.label))) {
    out.push(`label "${u.label}" (${u.clause}) on ${sel.metric}, which job ${jobs} exports without it; expected one of its labels: ${exported}`);
  }
  const typeProblem = typeMismatch(sel, found);
  if (typeProblem) out.push(typeProblem);
  return [...new Set(out)];
}

/** The kind of series a selector reads: a counter (or a histogram's cumulative parts), a gauge, or unknown. */
function kindOf(f: Found): 'counter' | 'gauge' | undefined {
  if (f.part !== 'value' || f.family.type === 'counter') return 'counter';
  if (f.family.type === 'gauge' || f.family.type === 'summary') return 'gauge';
  return undefined; // untyped, or a histogram's base name (not a series in the text format)
}

function typeMismatch(sel: SelectorUse, found: Found[]): string | undefined {
  const f = found[0];
  const exportedAs = `${f.family.type === 'untyped' ? 'n' : ''} ${f.family.type}${f.part === 'value' ? '' : ` ${f.family.name} (its _${f.part} series)`}`;
  const bucketLike = (x: Found) => x.part === 'bucket' || (x.family.type === 'untyped' && x.family.labels.has('le'));
  if (sel.inQuantile && !found.some(bucketLike)) {
    return `type mismatch: histogram_quantile over ${sel.metric}, which job ${f.job} exports as a${exportedAs}; expected the _bucket series of a histogram`;
  }
  const kinds = found.map(kindOf);
  if (sel.fn && COUNTER_FNS.has(sel.fn) && kinds.every((k) => k === 'gauge')) {
    return `type mismatch: ${sel.fn}() over ${sel.metric}, which job ${f.job} exports as a${exportedAs}; expected a counter`;
  }
  if (sel.fn && GAUGE_FNS.has(sel.fn) && kinds.every((k) => k === 'counter')) {
    return `type mismatch: ${sel.fn}() over ${sel.metric}, which job ${f.job} exports as a${exportedAs}; expected a gauge (use rate() or increase() on counters)`;
  }
  return undefined;
}

/** `histogram_quantile(...) > N` where N is at or beyond the highest finite bucket bound: it can never fire. */
function thresholdProblems(use: Use, found: Map<SelectorUse, Found[]>): string[] {
  const out: string[] = [];
  for (const t of use.usage.thresholds) {
    const hists = t.selectors.flatMap((s) => found.get(s) ?? []).filter((f) => f.part === 'bucket' && f.family.buckets.length);
    if (hists.length === 0) continue;
    const top = hists.reduce((a, b) => (b.family.buckets.at(-1)! > a.family.buckets.at(-1)! ? b : a));
    const bound = top.family.buckets.at(-1)!;
    const never = (t.op === '>' && t.value >= bound) || (t.op === '>=' && t.value > bound);
    if (!never) continue;
    out.push(
      `threshold histogram_quantile(...) ${t.op} ${t.value} can never be reached: ${top.family.name} of job ${top.job} has buckets up to le="${bound}" and histogram_quantile returns at most the highest finite bucket bound; expected a threshold below ${bound} or buckets beyond ${t.value}`,
    );
  }
  return out;
}

/** `$labels.x` / `{{x}}` the result cannot carry: dropped by the outermost aggregation or on no series. */
function printedLabelProblems(use: Use, found: Map<SelectorUse, Found[]>, ctx: Context): string[] {
  if (found.size === 0) return [];
  const all = [...found.values()].flat();
  const has = carried(all, ctx) ?? new Set(all.flatMap((f) => [...f.family.labels]));
  const unknown = all.some((f) => f.family.samples === 0);
  const keeps = use.usage.resultKeeps;
  const out: string[] = [];
  for (const { label, in: where } of use.printedLabels) {
    if (keeps?.only && !keeps.only.includes(label)) {
      out.push(`label "${label}" in ${where} is dropped by the outermost aggregation, which keeps only: ${keeps.only.join(', ') || 'no labels'}; expected one of those`);
    } else if (keeps?.except?.includes(label)) {
      out.push(`label "${label}" in ${where} is removed by the outermost aggregation's without(${keeps.except.join(', ')}); expected a label the result keeps`);
    } else if (!unknown && !has.has(label)) {
      const metrics = [...new Set(all.map((f) => f.family.name))].join(', ');
      out.push(`label "${label}" in ${where}: no series of ${metrics} on job ${[...new Set(all.map((f) => f.job))].join(', ')} carries it; expected one of: ${[...has].filter((l) => l !== '__name__').sort().join(', ')}`);
    }
  }
  return out;
}
