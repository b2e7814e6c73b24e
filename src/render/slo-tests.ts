/**
 * Generated `promtool test rules` file of an SLO (`prometheus/tests/slo-<name>.test.yml`): for each behaviour
 * scenario (src/slo/model.ts) input series built from the SLO's own selectors, and at every checked time the page
 * and ticket alerts the model expects; plus a no-data case. The expectations come from the scenario and the SLO's
 * target and windows, never from the rendered rules, so a wrong factor or window in the rules fails promtool.
 */
import type { SloConfig } from '../schema';
import { formatDuration, parseDuration } from '../duration';
import { budgetText, burnPairs, BurnPair } from '../slo/windows';
import { sloIndicator, Indicator } from '../slo/indicator';
import { indicatorSeries, seriesText, SloSeries } from '../slo/series';
import { checkSteps, COUNTER_START, DAYS_TIMING, EVENTS_PER_STEP, HOURS_TIMING, firesAt, scaleOf, ScenarioDef, scenarios, timeline, Timeline } from '../slo/model';
import { renderTemplate } from './annotations';
import { SLO_ALERTS, sloAlertLabels, sloAnnotations } from './slo';

const MINUTE = 60_000;
/** Prometheus' default lookback for instant selectors: how long absent() needs after the last sample. */
const LOOKBACK = 5 * MINUTE;

type Check = { eval_time: string; alertname: string; exp_alerts: object[] };

/** A reference minute scaled with the period (a 7 d SLO's is 14 s), in whole ms. */
export const sloMinute = (period: number) => Math.round(MINUTE * scaleOf(period));

/**
 * The two test files of an SLO, by file suffix: "" holds the scenarios of hours (and the no-data case), "-days"
 * those of days, sampled and evaluated more coarsely (one evaluation interval per file in promtool).
 */
export function sloTestFiles(slo: SloConfig, ruleFile: string, ext: Record<string, string> = {}): Record<string, object> {
  const period = parseDuration(slo.window);
  const minute = sloMinute(period);
  const ind = sloIndicator(slo);
  const series = indicatorSeries(ind);
  const pairs = burnPairs(period);
  const feasible = scenarios(pairs.filter((p) => p.alert === 'page'), scaleOf(period)).filter((def) =>
    def.segments.every((s) => !Number.isFinite(s.burn) || s.burn * Number(budgetText(slo.target)) <= 1),
  );
  const reads = ['page', 'ticket', 'noData'].some((w) => Object.values(sloAnnotations(slo, w as 'page')).some((t) => t.includes('$externalLabels')));
  const file = (timing: typeof HOURS_TIMING, tests: object[]) => ({
    rule_files: [ruleFile],
    evaluation_interval: formatDuration(minute * timing.stepMinutes * timing.evalSteps),
    tests: tests.map((t) => ({ ...t, ...(reads && Object.keys(ext).length ? { external_labels: ext } : {}) })),
  });
  const hours = feasible.filter((d) => !d.days).map((def) => scenarioTest(slo, def, series, pairs, minute, HOURS_TIMING, ext));
  if (slo.alerting.noData.enabled) hours.push(noDataTest(slo, ind, series, minute, ext));
  const days = feasible.filter((d) => d.days).map((def) => scenarioTest(slo, def, series, pairs, minute, DAYS_TIMING, ext));
  return { '': file(HOURS_TIMING, hours), ...(days.length ? { '-days': file(DAYS_TIMING, days) } : {}) };
}

function scenarioTest(slo: SloConfig, def: ScenarioDef, series: SloSeries[], pairs: BurnPair[], minute: number, timing: typeof HOURS_TIMING, ext: Record<string, string>) {
  const budget = Number(budgetText(slo.target));
  const scale = scaleOf(parseDuration(slo.window));
  const step = minute * timing.stepMinutes;
  const tl = timeline(def, budget, step, scale);
  const alerts = (['page', 'ticket'] as const).filter((w) => slo.alerting[w].enabled);
  const decide = (w: 'page' | 'ticket') => (k: number) => firesAt(tl, k, pairs.filter((p) => p.alert === w), budget);
  const steps = [...new Set(alerts.flatMap((w) => checkSteps(def, tl, scale, timing.evalSteps, decide(w))))].sort((a, b) => a - b);
  const checks: Check[] = [];
  for (const k of steps) {
    for (const w of alerts) {
      const fires = decide(w)(k);
      if (fires === undefined) continue;
      checks.push({ eval_time: formatDuration(k * step), alertname: SLO_ALERTS[w], exp_alerts: fires ? [expected(slo, w, { slo: slo.name }, ext)] : [] });
    }
  }
  return { name: `slo ${slo.name}: ${def.title}`, interval: formatDuration(step), input_series: series.map((s) => inputSeries(s, tl)), alert_rule_test: checks };
}

function expected(slo: SloConfig, which: 'page' | 'ticket' | 'noData', seriesLabels: Record<string, string>, ext: Record<string, string>) {
  const labels = { ...seriesLabels, ...sloAlertLabels(slo, which) };
  // Templates see the labels of the series the expression returned, not the rule's own labels.
  const annotations = Object.fromEntries(Object.entries(sloAnnotations(slo, which)).map(([k, v]) => [k, renderTemplate(v, seriesLabels, undefined, ext)]));
  return { exp_labels: labels, exp_annotations: annotations };
}

/** A counter's values in promtool's expanding notation, one run per stretch of equal increments. */
function inputSeries(s: SloSeries, tl: Timeline) {
  const inc = (i: number) => (s.counts === 'bad' ? tl.bad[i] : s.counts === 'all' ? EVENTS_PER_STEP : EVENTS_PER_STEP - tl.bad[i]);
  let value = COUNTER_START;
  let i = 1;
  const parts: string[] = [];
  while (i < tl.bad.length) {
    let j = i;
    while (j + 1 < tl.bad.length && inc(j + 1) === inc(i)) j++;
    // The first run starts at the first sample; each later one at its first new sample.
    const first = parts.length === 0;
    parts.push(`${num(first ? value : value + inc(i))}+${num(inc(i))}x${first ? j - i + 1 : j - i}`);
    value += inc(i) * (j - i + 1);
    i = j + 1;
  }
  return { series: seriesText(s.metric, s.labels), values: parts.join(' ') };
}

const num = (v: number) => String(Number(v.toPrecision(12)));

/** The total counter stops: SloNoData fires once it has been absent for the lookback and `for`. */
function noDataTest(slo: SloConfig, ind: Indicator, series: SloSeries[], minute: number, ext: Record<string, string>) {
  const ev = minute * HOURS_TIMING.evalSteps;
  const present = 60; // a reference hour of samples, one a minute
  const absentFrom = present * minute + LOOKBACK;
  const forMs = parseDuration(slo.alerting.noData.for);
  // Pending from the first evaluation without a sample in the lookback, firing `for` later.
  const silentAt = Math.ceil((absentFrom + forMs) / ev) * ev - ev;
  const fireAt = Math.ceil(absentFrom / ev) * ev + ev + Math.ceil(forMs / ev) * ev;
  const missing = Math.ceil(fireAt / minute) - present + 1;
  const input = series.map((s) => ({
    series: seriesText(s.metric, s.labels),
    values: `${COUNTER_START}+${s.counts === 'bad' ? 0 : EVENTS_PER_STEP}x${present} _x${missing}`,
  }));
  // absent() of a selector carries the labels of its equality matchers.
  const eq = ind.total.matchers.filter((m) => m.op === '=' && m.label !== '__name__');
  const labels = Object.fromEntries(eq.filter((m) => eq.filter((x) => x.label === m.label).length === 1).map((m) => [m.label, m.value]));
  return {
    name: `slo ${slo.name}: ${SLO_ALERTS.noData} fires when ${ind.total.text} has been absent for the lookback and ${slo.alerting.noData.for}`,
    interval: formatDuration(minute),
    input_series: input,
    alert_rule_test: [
      { eval_time: formatDuration(silentAt), alertname: SLO_ALERTS.noData, exp_alerts: [] },
      { eval_time: formatDuration(fireAt), alertname: SLO_ALERTS.noData, exp_alerts: [expected(slo, 'noData', labels, ext)] },
    ],
  };
}
