/**
 * Generated `promtool test rules` files: for every alert and severity tier, an input that crosses the threshold
 * (the alert is still pending just before `for` has passed and fires after it) and an input below it (silent).
 * Tiers of one alert name are evaluated together: an input above the critical threshold fires warning too.
 */
import type { AlertRule, RuleGroup } from '../alerts';
import type { ScrapeJob } from '../jobs';
import { parseDuration, formatDuration } from '../duration';
import { annotations, ruleLabels } from './rules';
import { renderTemplate } from './annotations';

/** Sample spacing and rule evaluation interval of the generated tests. */
const STEP_MS = 60_000;

interface InputSeries {
  series: string;
  values: string;
}

/** What a test input makes the alert's expression evaluate to, and the labels of the resulting series. */
interface Scenario {
  series: InputSeries[];
  value: number;
  labels: Record<string, string>;
}

interface TestCase {
  interval: string;
  input_series: InputSeries[];
  alert_rule_test: Array<{ eval_time: string; alertname: string; exp_alerts: object[] }>;
}

/** The test file of a rule group; `ruleFile` is the rule file's path relative to the test file. */
export function ruleTestFile(group: RuleGroup, jobs: ScrapeJob[], ruleFile: string): object {
  const tests: TestCase[] = [];
  // Tiers by alert name and jobs by name, looked up once: a linear scan per rule is quadratic in large stacks.
  // Keyed by name and jobs: a rule split per metric mapping (src/mapping.ts) has its own tiers per group of jobs.
  const tiers = new Map<string, AlertRule[]>();
  const key = (r: AlertRule) => `${r.name} ${r.jobs.join(',')}`;
  for (const r of group.rules) tiers.set(key(r), [...(tiers.get(key(r)) ?? []), r]);
  const jobByName = new Map(jobs.map((j) => [j.job, j]));
  for (const rule of group.rules) tests.push(...testsFor(rule, tiers.get(key(rule))!, jobByName));
  return { rule_files: [ruleFile], evaluation_interval: formatDuration(STEP_MS), tests };
}

function testsFor(rule: AlertRule, siblings: AlertRule[], jobs: Map<string, ScrapeJob>): TestCase[] {
  const base = baseLabels(rule, jobs);
  const forMs = parseDuration(rule.for);
  if (rule.kind === 'raw') return rawTests(rule, forMs);

  const threshold = rule.kind === 'down' ? 0 : rule.threshold;
  const warmup = rule.kind === 'gauge' || rule.kind === 'down' ? 0 : parseDuration(rule.window) + STEP_MS;
  const fireAt = forMs + warmup + STEP_MS;
  const steps = fireAt / STEP_MS + 2;
  const out: TestCase[] = [];
  for (const firing of [true, false]) {
    // Prometheus computes the value with its own float rounding; an input whose value sits on a rounding edge of
    // the annotation's 4 significant digits is nudged until the text is the same a hair above and below.
    let s = scenario(rule, base, threshold, firing, steps, 0);
    for (let nudge = 1; nudge <= 8 && !stableText(siblings, s); nudge++) s = scenario(rule, base, threshold, firing, steps, nudge);
    // Which tiers of this alert name hold at the scenario's value.
    const expected = siblings
      .filter((r) => holds(r, s.value))
      .map((r) => ({
        exp_labels: { ...s.labels, ...ruleLabels(r) },
        exp_annotations: renderAll(annotations(r), s.labels, s.value),
      }));
    const checks: TestCase['alert_rule_test'] = [];
    if (firing && forMs >= 2 * STEP_MS) {
      // Just before `for` has passed the alert is pending, not firing.
      checks.push({ eval_time: formatDuration(forMs - STEP_MS), alertname: rule.name, exp_alerts: [] });
    }
    checks.push({ eval_time: formatDuration(fireAt), alertname: rule.name, exp_alerts: expected });
    out.push({ interval: formatDuration(STEP_MS), input_series: s.series, alert_rule_test: checks });
  }
  return out;
}

function rawTests(rule: Extract<AlertRule, { kind: 'raw' }>, forMs: number): TestCase[] {
  const fireAt = rule.test.fireAt ? parseDuration(rule.test.fireAt) : forMs + 5 * STEP_MS;
  const interval = formatDuration(STEP_MS);
  const labels = rule.test.expectLabels;
  const firing: TestCase = {
    interval,
    input_series: rule.test.firing,
    alert_rule_test: [
      {
        eval_time: formatDuration(fireAt),
        alertname: rule.name,
        exp_alerts: [
          {
            exp_labels: { ...labels, ...ruleLabels(rule) },
            exp_annotations: renderAll(annotations(rule), labels, rule.test.value),
          },
        ],
      },
    ],
  };
  if (rule.test.quiet.length === 0) return [firing];
  const quiet: TestCase = {
    interval,
    input_series: rule.test.quiet,
    alert_rule_test: [{ eval_time: formatDuration(fireAt), alertname: rule.name, exp_alerts: [] }],
  };
  return [firing, quiet];
}

function stableText(rules: AlertRule[], s: Scenario): boolean {
  // Only templates that show $value can change with it (skipping the others halves the work in large stacks).
  const templates = rules.flatMap((r) => Object.values(annotations(r)).filter((t) => t.includes('$value')));
  if (templates.length === 0) return true;
  const text = (v: number) => JSON.stringify(templates.map((t) => renderTemplate(t, s.labels, v)));
  const eps = Math.max(Math.abs(s.value) * 1e-9, 1e-12);
  return text(s.value - eps) === text(s.value + eps);
}

function renderAll(templates: Record<string, string>, labels: Record<string, string>, value: number | undefined) {
  return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, renderTemplate(v, labels, value)]));
}

/** Labels every input series carries: the first watched job, its service label and first target. */
function baseLabels(rule: AlertRule, jobs: Map<string, ScrapeJob>): Record<string, string> {
  const job = rule.jobs[0] === undefined ? undefined : jobs.get(rule.jobs[0]);
  if (!job) return { job: rule.jobs[0] ?? 'unknown' };
  return { job: job.job, service: job.labels.service, instance: job.targets[0] };
}

function holds(rule: AlertRule, value: number): boolean {
  if (rule.kind === 'raw') return true;
  const op = rule.kind === 'gauge' || rule.kind === 'ratio' ? rule.op : rule.kind === 'down' ? '==' : '>';
  const t = rule.kind === 'down' ? 0 : rule.threshold;
  switch (op) {
    case '>':
      return value > t;
    case '>=':
      return value >= t;
    case '<':
      return value < t;
    case '<=':
      return value <= t;
    case '==':
      return value === t;
    default:
      return value !== t;
  }
}

/** An input making the expression land above (firing) or below (quiet) `threshold`. */
function scenario(
  rule: Exclude<AlertRule, { kind: 'raw' }>,
  base: Record<string, string>,
  threshold: number,
  firing: boolean,
  steps: number,
  /** 0 for the plain input; 1, 2, … move the value slightly, off a rounding edge. */
  nudge: number,
): Scenario {
  const counter = (perStep: number) => `0+${num(perStep)}x${steps}`;
  const constant = (v: number) => `${num(v)}x${steps}`;
  switch (rule.kind) {
    case 'ratio': {
      const t = threshold;
      const ratio = firing ? (rule.op === '>=' && t === 1 ? 1 : t === 0 ? 0.5 : t < 0.5 ? 2 * t : (1 + t) / 2) : t / 2;
      const total = 1000 + 7 * nudge;
      const bad = round(ratio * total);
      const good = round(total - bad);
      const num_ = rule.numerator;
      const den = rule.denominator;
      const series: InputSeries[] = [{ series: seriesText(num_.metric, { ...base, ...num_.sample }), values: counter(bad) }];
      if (den.metrics.includes(num_.metric)) {
        // The numerator's series are part of the denominator: add the rest as a separate, good series.
        const other = den.metrics.find((m) => m !== num_.metric) ?? num_.metric;
        series.push({ series: seriesText(other, { ...base, ...den.sample }), values: counter(good) });
      } else {
        series.push({ series: seriesText(den.metrics[0], { ...base, ...den.sample }), values: counter(bad + good) });
      }
      return { series, value: bad / (bad + good), labels: pick(base, ['job', 'service']) };
    }
    case 'latency': {
      // Buckets around the threshold; all observations land in one bucket.
      const stretch = 1 + 0.01 * nudge;
      const bounds = [(threshold / 2) * stretch, threshold, 2 * threshold * stretch, 4 * threshold * stretch].map((b) => Number(b.toPrecision(6)));
      const perStep = 10;
      const lowest = firing ? 3 : 0; // index of the bucket holding the observations
      const series = [...bounds.map(String), '+Inf'].map((le, i) => ({
        series: seriesText(`${rule.histogram}_bucket`, { ...base, le }),
        values: counter(i >= lowest ? perStep : 0),
      }));
      const lower = lowest === 0 ? 0 : bounds[lowest - 1];
      const value = lower + (bounds[lowest] - lower) * rule.quantile;
      return { series, value, labels: pick(base, ['job', 'service']) };
    }
    case 'gauge': {
      const v = round(gaugeValue(rule.op, threshold, firing, nudge)); // the value promtool parses back
      const labels = { ...base, ...rule.sample };
      return { series: [{ series: seriesText(rule.metric, labels), values: constant(v) }], value: v, labels };
    }
    case 'increase': {
      // Whole increments per step keep the expected increase exact.
      const perWindow = parseDuration(rule.window) / STEP_MS;
      const perStep = firing ? Math.floor((2 * threshold) / perWindow) + 1 : Math.floor(threshold / 2 / perWindow);
      const labels = { ...base, ...rule.sample };
      return {
        series: [{ series: seriesText(rule.metric, labels), values: counter(perStep) }],
        value: perStep * perWindow,
        labels,
      };
    }
    case 'down': {
      const v = firing ? 0 : 1;
      return { series: [{ series: seriesText(rule.metric, base), values: constant(v) }], value: v, labels: base };
    }
  }
}

function gaugeValue(op: string, t: number, firing: boolean, nudge: number): number {
  const d = Math.max(Math.abs(t) * 0.1, 1) * (1 + 0.01 * nudge);
  switch (op) {
    case '>':
      return firing ? t + d : t - d;
    case '>=':
      return firing ? t : t - d;
    case '<':
      return firing ? t - d : t + d;
    case '<=':
      return firing ? t : t + d;
    case '==':
      return firing ? t : t + 1;
    default:
      return firing ? t + 1 : t;
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const num = (v: number) => String(round(v));
const pick = (o: Record<string, string>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

function seriesText(metric: string, labels: Record<string, string>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ');
  return `${metric}{${body}}`;
}
