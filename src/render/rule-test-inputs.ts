/**
 * Input series for the generated rule tests: for a typed alert and a target value, series (promtool expanding
 * notation, one sample per step) under which the alert's expression evaluates to about that value, and the exact
 * value Prometheus computes from them. Ratio inputs also carry series the selectors must not count: one that fails
 * the numerator's matchers (e.g. a 4xx series for a 5xx numerator) and another job's series.
 */
import type { AlertRule } from '../alerts';
import { jobMatcher, parsePromQL } from '../promql';
import { parseDuration } from '../duration';

export interface InputSeries {
  series: string;
  values: string;
}

/** What a test input makes the alert's expression evaluate to, and the labels of the resulting series. */
export interface Scenario {
  series: InputSeries[];
  value: number;
  labels: Record<string, string>;
}

export type Target = { below: number } | { above: number } | { between: [number, number] } | { exact: number };

type Typed = Exclude<AlertRule, { kind: 'raw' }>;
type Labels = Record<string, string>;

/** A value in the target range; `nudge` (0, 1, 2, …) moves it slightly, off a rounding edge of the annotations. */
function pick(target: Target, kind: Typed['kind'], nudge: number): number {
  const shift = 1 + 0.01 * nudge;
  if ('exact' in target) return target.exact;
  if ('between' in target) {
    const [a, b] = target.between;
    return a + (b - a) * (0.5 + 0.01 * nudge);
  }
  const t = 'below' in target ? target.below : target.above;
  const below = 'below' in target;
  switch (kind) {
    case 'ratio':
      if (below) return t / 2;
      return t === 1 ? 1 : t === 0 ? 0.5 : t < 0.5 ? 2 * t : (1 + t) / 2;
    case 'gauge': {
      const d = Math.max(Math.abs(t) * 0.1, 1) * shift;
      return below ? t - d : t + d;
    }
    default: // latency and increase: positive quantities
      return below ? t / 2 : t === 0 ? shift : 2 * t * shift;
  }
}

/** An input making the expression land at (about) the target value. */
export function scenario(rule: Typed, base: Labels, target: Target, timing: { steps: number; step: number }, nudge: number): Scenario {
  const counter = (perStep: number) => `0+${num(perStep)}x${timing.steps}`;
  const constant = (v: number) => `${num(v)}x${timing.steps}`;
  const value = pick(target, rule.kind, nudge);
  switch (rule.kind) {
    case 'ratio':
      return ratioScenario(rule, base, value, nudge, counter);
    case 'latency': {
      // Every observation lands in the bucket (a, b]; histogram_quantile interpolates a + (b - a) * q.
      const stretch = 1 + 0.01 * nudge;
      const a = sig((value / 2) * stretch);
      const b = sig(a + (value - a) / rule.quantile);
      const bounds = [a, b, sig(2 * b), sig(4 * b)];
      const series = [...bounds.map(String), '+Inf'].map((le, i) => ({
        series: seriesText(`${rule.histogram}_bucket`, { ...base, le }),
        values: counter(i >= 1 ? 10 : 0),
      }));
      return { series, value: a + (b - a) * rule.quantile, labels: only(base, ['job', 'service']) };
    }
    case 'gauge': {
      const v = round(value); // the value promtool parses back
      const labels = { ...base, ...rule.sample };
      return { series: [{ series: seriesText(rule.metric, labels), values: constant(v) }], value: v, labels };
    }
    case 'increase': {
      // A whole window of equal increments: increase() sees exactly perStep × steps per window.
      const perWindow = parseWindow(rule.window, timing.step);
      const perStep = sig(value / perWindow); // six digits: small thresholds (0.01 over 10 steps) stay apart
      const labels = { ...base, ...rule.sample };
      return { series: [{ series: seriesText(rule.metric, labels), values: counter(perStep) }], value: perStep * perWindow, labels };
    }
    case 'down': {
      const v = value === 0 ? 0 : 1;
      return { series: [{ series: seriesText(rule.metric, base), values: constant(v) }], value: v, labels: base };
    }
  }
}

const parseWindow = (window: string, step: number) => parseDuration(window) / step;

type RatioRule = Extract<Typed, { kind: 'ratio' }>;

/**
 * Bad events (numerator sample), good events (denominator sample), a near miss (numerator metric, labels failing
 * its matchers) and another job's bad and good events. The value is computed from what each selector really
 * selects, so a selector that counted a series it must not would change the outcome and fail the test.
 */
function ratioScenario(rule: RatioRule, base: Labels, ratio: number, nudge: number, counter: (n: number) => string): Scenario {
  const { numerator: numSel, denominator: denSel } = rule;
  const jobSel = jobMatcher(rule.jobs);
  const inNum = (metric: string, l: Labels) => metric === numSel.metric && matches(l, [jobSel, numSel.matchers]);
  const inDen = (metric: string, l: Labels) => denSel.metrics.includes(metric) && matches(l, [jobSel, denSel.matchers]);

  const goodMetric = denSel.metrics.includes(numSel.metric) ? (denSel.metrics.find((m) => m !== numSel.metric) ?? numSel.metric) : denSel.metrics[0];
  const bad = { metric: numSel.metric, labels: { ...base, ...numSel.sample } };
  const good = { metric: goodMetric, labels: { ...base, ...denSel.sample } };
  const miss = nearMiss(numSel.metric, { ...base, ...numSel.sample }, numSel.matchers, [good.labels], (l) => inNum(numSel.metric, l));

  // Counts per step: the denominator totals `total`, whether or not it counts the near miss.
  const total = 1000 + 7 * nudge;
  const badCount = round(ratio * total);
  const missCount = miss && inDen(miss.metric, miss.labels) ? round((total - badCount) / 2) : round(total / 2);
  const goodCount = round(total - badCount - (miss && inDen(miss.metric, miss.labels) ? missCount : 0));
  const own = [
    { ...bad, count: badCount },
    { ...good, count: goodCount },
    ...(miss ? [{ ...miss, count: missCount }] : []),
  ];
  const other = otherJob(rule.jobs);
  const decoys = [
    { metric: numSel.metric, labels: { ...base, ...numSel.sample, job: other, service: other }, count: total },
    ...(denSel.metrics.includes(numSel.metric) ? [] : [{ metric: denSel.metrics[0], labels: { ...base, ...denSel.sample, job: other, service: other }, count: total }]),
  ];
  const sum = (pred: (m: string, l: Labels) => boolean) => own.filter((s) => pred(s.metric, s.labels)).reduce((n, s) => n + s.count, 0);
  const series = [...own, ...decoys].map((s) => ({ series: seriesText(s.metric, s.labels), values: counter(s.count) }));
  return { series, value: sum(inNum) / sum(inDen), labels: only(base, ['job', 'service']) };
}

/** A series like `labels` whose value of one matched label fails the numerator's matchers, if one can be found. */
function nearMiss(metric: string, labels: Labels, matchers: string | undefined, avoid: Labels[], selected: (l: Labels) => boolean) {
  if (!matchers) return undefined;
  for (const m of parsed(matchers)) {
    if (m.op !== '=' && m.op !== '=~') continue;
    const current = labels[m.label] ?? '';
    // "503" → "403", "302", …; other values → "other".
    const digits = /^\d/.test(current) ? [...'4321098765'].map((c) => c + current.slice(1)) : [];
    const candidates = [...digits, 'other', `other_${current}`];
    for (const v of candidates) {
      const l = { ...labels, [m.label]: v };
      if (!selected(l) && !avoid.some((a) => JSON.stringify(a) === JSON.stringify(l))) return { metric, labels: l };
    }
  }
  return undefined;
}

function otherJob(jobs: string[]): string {
  let name = `${jobs[0] ?? 'job'}_other`;
  while (jobs.includes(name)) name += '_x';
  return name;
}

const cache = new Map<string, Array<{ label: string; op: string; value: string }>>();
function parsed(matchers: string) {
  let m = cache.get(matchers);
  if (!m) {
    m = parsePromQL(`x{${matchers}}`).selectors[0]?.matchers ?? [];
    cache.set(matchers, m);
  }
  return m;
}

/** Whether a label set satisfies every matcher list (anchored regular expressions, as in PromQL). */
function matches(labels: Labels, lists: Array<string | undefined>): boolean {
  return lists.every((list) =>
    !list
      ? true
      : parsed(list).every(({ label, op, value }) => {
          const v = labels[label] ?? '';
          if (op === '=') return v === value;
          if (op === '!=') return v !== value;
          const re = anchored(value);
          return op === '=~' ? re.test(v) : !re.test(v);
        }),
  );
}

const regexps = new Map<string, RegExp>();
function anchored(re: string): RegExp {
  let r = regexps.get(re);
  if (!r) regexps.set(re, (r = new RegExp(`^(?:${re})$`)));
  return r;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const sig = (v: number) => Number(v.toPrecision(6));
/** Callers round their values (3 decimals, or 6 significant digits); JS prints them so that promtool reads them back. */
const num = (v: number) => String(v);
const only = (o: Labels, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

function seriesText(metric: string, labels: Labels): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ');
  return `${metric}{${body}}`;
}
