/**
 * Generated `promtool test rules` files. For every alert name, one input per value range its tiers define: below
 * the lowest threshold, between each pair of tiers and above the highest. So every severity tier has a case where
 * it fires (the alert is still pending just before `for` has passed and fires after it) and one where it is silent,
 * and each case expects exactly the tiers that hold, with the annotations a receiver gets.
 *
 * Timing: the series step divides every `for`, window and the group interval (their gcd, at most 1m), so every
 * duration is a whole number of steps; rules are evaluated at the group's interval (the step when it has none).
 */
import type { AlertRule, RuleGroup } from '../alerts';
import { sampleInstance, type ScrapeJob } from '../jobs';
import { parseDuration, formatDuration } from '../duration';
import { annotations, ruleLabels } from './rules';
import { renderTemplate } from './annotations';
import { formatG } from './go-format';
import { scenario, Scenario, InputSeries, Target } from './rule-test-inputs';

/** The default step: a minute, the interval raw alerts' own test inputs are written in. */
const MINUTE = 60_000;

interface TestCase {
  /** promtool prints it with a failure. */
  name?: string;
  interval: string;
  external_labels?: Record<string, string>;
  input_series: InputSeries[];
  alert_rule_test: Array<{ eval_time: string; alertname: string; exp_alerts: object[] }>;
}

/** Step of the input series and evaluation interval of a group's tests, in ms. */
export interface Timing {
  step: number;
  eval: number;
}

/** The test file of a rule group; `ruleFile` is the rule file's path relative to the test file. */
export function ruleTestFile(group: RuleGroup, jobs: ScrapeJob[], ruleFile: string, externalLabels: Record<string, string> = {}): object {
  const timing = groupTiming(group);
  // Tiers by alert name and jobs: a rule split per metric mapping (src/mapping.ts) has its own tiers per group of jobs.
  // A raw rule is never tiered and brings its own test: each stands alone (the no-data guards share one name and job).
  const byName = new Map<string | AlertRule, AlertRule[]>();
  const key = (r: AlertRule) => (r.kind === 'raw' ? r : `${r.name} ${r.jobs.join(',')}`);
  for (const r of group.rules) byName.set(key(r), [...(byName.get(key(r)) ?? []), r]);
  const jobByName = new Map(jobs.map((j) => [j.job, j]));
  const tests: TestCase[] = [];
  for (const tiers of byName.values()) tests.push(...testsFor(tiers, jobByName, timing, externalLabels));
  // Only templates that read $externalLabels need them in the test (it keeps the other files short).
  const reads = group.rules.some((r) => Object.values(annotations(r)).some((t) => t.includes('$externalLabels')));
  const ext = reads && Object.keys(externalLabels).length ? { external_labels: externalLabels } : {};
  return { rule_files: [ruleFile], evaluation_interval: formatDuration(timing.eval), tests: tests.map((t) => ({ ...t, ...ext })) };
}

/** The gcd of a minute, the group interval and every `for` and window, halved until each window holds two steps. */
export function groupTiming(group: RuleGroup): Timing {
  const durations = group.rules.filter((r) => r.kind !== 'raw').flatMap((r) => [r.for, 'window' in r ? r.window : '0s']);
  const windows = group.rules.flatMap((r) => ('window' in r ? [parseDuration(r.window)] : []));
  const interval = group.interval ? parseDuration(group.interval) : undefined;
  let step = [MINUTE, interval ?? 0, ...durations.map(parseDuration)].reduce(gcd);
  while (step % 2 === 0 && windows.some((w) => w / step < 2)) step /= 2;
  return { step, eval: interval ?? step };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const ceilTo = (v: number, unit: number) => Math.ceil(v / unit) * unit;

function testsFor(tiers: AlertRule[], jobs: Map<string, ScrapeJob>, timing: Timing, ext: Record<string, string>): TestCase[] {
  const rule = tiers[0];
  if (rule.kind === 'raw') return rawTests(rule, ext);
  const { step } = timing;
  const forMs = parseDuration(rule.for);
  const warmup = rule.kind === 'gauge' || rule.kind === 'down' ? 0 : parseDuration(rule.window) + step;
  const fireAt = ceilTo(warmup, timing.eval) + ceilTo(forMs, timing.eval) + timing.eval;
  const steps = Math.ceil(fireAt / step) + 2;
  return targets(tiers).map((target) => {
    // Prometheus computes the value with its own float rounding; an input whose value sits on a rounding edge of
    // the annotation's 4 significant digits is nudged until the text is the same a hair above and below.
    // A value a float error away from a threshold is nudged too: Prometheus may land on either side of it.
    const settled = (x: Scenario) => stableText(tiers, x, ext) && ('exact' in target || !nearThreshold(tiers, x.value));
    let s = scenario(rule, baseLabels(rule, jobs), target, { steps, step }, 0);
    for (let nudge = 1; nudge <= 8 && !settled(s); nudge++) s = scenario(rule, baseLabels(rule, jobs), target, { steps, step }, nudge);
    const expected = tiers
      .filter((r) => holds(r, s.value))
      .map((r) => ({ exp_labels: { ...s.labels, ...ruleLabels(r) }, exp_annotations: renderAll(annotations(r), s.labels, s.value, ext) }));
    const checks: TestCase['alert_rule_test'] = [];
    // Just before `for` has passed the alert is pending, not firing.
    if (expected.length && forMs > 0) checks.push({ eval_time: formatDuration(forMs - step), alertname: rule.name, exp_alerts: [] });
    checks.push({ eval_time: formatDuration(fireAt), alertname: rule.name, exp_alerts: expected });
    const outcome = expected.length ? `fires ${expected.map((e) => e.exp_labels.severity).join(' and ')}` : 'silent';
    return { name: `${rule.name} at ${formatG(s.value, 4)}: ${outcome}`, interval: formatDuration(step), input_series: s.series, alert_rule_test: checks };
  });
}

/**
 * The values to test: below the lowest threshold, between neighbouring tiers, above the highest; a single `>=`,
 * `<=`, `==` or `!=` threshold is also tested exactly at its value.
 */
function targets(tiers: AlertRule[]): Target[] {
  const rule = tiers[0];
  if (rule.kind === 'down') return [{ exact: 0 }, { exact: 1 }];
  const op = rule.kind === 'gauge' || rule.kind === 'ratio' ? rule.op : '>';
  const thresholds = [...new Set(tiers.map((r) => ('threshold' in r ? r.threshold : 0)))].sort((a, b) => a - b);
  const [low, high] = [thresholds[0], thresholds[thresholds.length - 1]];
  if (thresholds.length === 1) {
    if (op === '==' || op === '!=') return [{ exact: low }, { above: low }];
    if (op === '>=' && (rule.kind === 'gauge' || low === 1)) return [{ below: low }, { exact: low }];
    if (op === '<=' && rule.kind === 'gauge') return [{ exact: low }, { above: low }];
  }
  const out: Target[] = [{ below: low }];
  for (let i = 0; i + 1 < thresholds.length; i++) out.push({ between: [thresholds[i], thresholds[i + 1]] });
  return [...out, { above: high }];
}

function rawTests(rule: Extract<AlertRule, { kind: 'raw' }>, ext: Record<string, string>): TestCase[] {
  const fireAt = rule.test.fireAt ? parseDuration(rule.test.fireAt) : parseDuration(rule.for) + 5 * MINUTE;
  // The user's series values are written for one-minute steps.
  const interval = formatDuration(MINUTE);
  const labels = rule.test.expectLabels;
  const firing: TestCase = {
    name: `${rule.name}: fires on test.firing`,
    interval,
    input_series: rule.test.firing,
    alert_rule_test: [
      {
        eval_time: formatDuration(fireAt),
        alertname: rule.name,
        exp_alerts: [{ exp_labels: { ...labels, ...ruleLabels(rule) }, exp_annotations: renderAll(annotations(rule), labels, rule.test.value, ext) }],
      },
    ],
  };
  if (rule.test.quiet.length === 0) return [firing];
  const quiet: TestCase = {
    name: `${rule.name}: silent on test.quiet`,
    interval,
    input_series: rule.test.quiet,
    alert_rule_test: [{ eval_time: formatDuration(fireAt), alertname: rule.name, exp_alerts: [] }],
  };
  return [firing, quiet];
}

function nearThreshold(tiers: AlertRule[], value: number): boolean {
  return tiers.some((r) => 'threshold' in r && Math.abs(value - r.threshold) <= 1e-9 * Math.max(1, Math.abs(r.threshold)));
}

function stableText(rules: AlertRule[], s: Scenario, ext: Record<string, string>): boolean {
  // Only templates that show $value can change with it (skipping the others halves the work in large stacks).
  const templates = rules.flatMap((r) => Object.values(annotations(r)).filter((t) => t.includes('$value')));
  if (templates.length === 0) return true;
  const text = (v: number) => JSON.stringify(templates.map((t) => renderTemplate(t, s.labels, v, ext)));
  const eps = Math.max(Math.abs(s.value) * 1e-9, 1e-12);
  return text(s.value - eps) === text(s.value + eps);
}

function renderAll(templates: Record<string, string>, labels: Record<string, string>, value: number | undefined, ext: Record<string, string>) {
  return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, renderTemplate(v, labels, value, ext)]));
}

/** Labels every input series carries: the first watched job, its service label and first target. */
function baseLabels(rule: AlertRule, jobs: Map<string, ScrapeJob>): Record<string, string> {
  const job = rule.jobs[0] === undefined ? undefined : jobs.get(rule.jobs[0]);
  if (!job) return { job: rule.jobs[0] ?? 'unknown' };
  return { job: job.job, service: job.labels.service, instance: sampleInstance(job) };
}

/** Whether the rule's condition holds at `value`. */
export function holds(rule: AlertRule, value: number): boolean {
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
