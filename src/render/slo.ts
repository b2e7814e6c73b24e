/**
 * The rule file of an SLO (`prometheus/rules/slo-<name>.yml`): one group whose rules Prometheus evaluates in order,
 * so the alerts read recordings of the same evaluation.
 *  - slo:error_ratio:rate<w>   share of failed events over each window the alert pairs use
 *  - slo:burn_rate:rate<w>     that share divided by the error budget (1 = the budget lasts exactly the period)
 *  - slo:error_ratio:period, slo:error_budget_remaining:ratio, slo:objective:ratio   for the dashboard
 *  - SloFastBurn (page), SloSlowBurn (ticket): both windows of a pair above its factor (src/slo/windows.ts)
 *  - SloNoData: the indicator's total counter is absent
 * Every series and alert carries `slo="<name>"`. Pure: no I/O.
 */
import type { SloConfig } from '../schema';
import { parseDuration } from '../duration';
import { budgetText, burnPairs, BurnPair, BurnSeverity, sloWindows, windowText } from '../slo/windows';
import { Indicator, sloIndicator } from '../slo/indicator';
import { humanizePercentage } from './go-format';

export const SLO_ALERTS = { page: 'SloFastBurn', ticket: 'SloSlowBurn', noData: 'SloNoData' } as const;

export const sloGroupName = (slo: Pick<SloConfig, 'name'>) => `slo-${slo.name}`;
export const errorRatioRecord = (w: number) => `slo:error_ratio:rate${windowText(w)}`;
export const burnRateRecord = (w: number) => `slo:burn_rate:rate${windowText(w)}`;
export const PERIOD_RECORD = 'slo:error_ratio:period';
export const BUDGET_RECORD = 'slo:error_budget_remaining:ratio';
export const OBJECTIVE_RECORD = 'slo:objective:ratio';

/** `slo:x{slo="name"}`: how the rules read each other's recordings. */
export const recorded = (record: string, slo: Pick<SloConfig, 'name'>) => `${record}{slo="${slo.name}"}`;

/** The share of failed events over a window, absent while nothing is counted (no traffic is not an outage). */
export function errorRatioExpr(ind: Indicator, window: string): string {
  const sum = (sel: string) => `sum(rate(${sel}[${window}]))`;
  // A counter of failures may not exist before the first failure: no series then means none failed.
  const part = `(${sum(ind.partSel.text)} or vector(0))`;
  const ratio = `${part}\n/\n(${sum(ind.total.text)} > 0)`;
  return ind.part === 'errors' ? ratio : `1 - ${ratio}`;
}

/** The alert condition of one severity: any of its pairs with both windows above the pair's factor. */
export function burnExpr(slo: Pick<SloConfig, 'name'>, pairs: BurnPair[]): string {
  const both = (p: BurnPair) =>
    `(\n  ${recorded(burnRateRecord(p.long), slo)} > ${p.factorText}\nand\n  ${recorded(burnRateRecord(p.short), slo)} > ${p.factorText}\n)`;
  return pairs.map(both).join('\nor\n');
}

export function sloAlertLabels(slo: SloConfig, which: BurnSeverity | 'noData'): Record<string, string> {
  const alert = slo.alerting[which];
  return { ...slo.alerting.labels, ...alert.labels, ...(slo.service ? { service: slo.service } : {}), slo: slo.name, severity: alert.severity };
}

/** Default texts, with the SLO's numbers; the user's annotations of the same name replace them. */
export function sloAnnotations(slo: SloConfig, which: BurnSeverity | 'noData'): Record<string, string> {
  const period = slo.window;
  const objective = `${humanizePercentage(slo.target)} over ${period}`;
  const pairs = burnPairs(parseDuration(period)).filter((p) => p.alert === which);
  const how = pairs.map((p) => `${p.factorText}x over ${windowText(p.long)} and ${windowText(p.short)}`).join(', or ');
  const texts =
    which === 'noData'
      ? { summary: `SLO ${slo.name}: no data`, description: `SLO ${slo.name}: its total counter (${sloIndicator(slo).total.text}) has no series; its burn-rate alerts cannot fire.` }
      : {
          summary: `SLO ${slo.name}: the error budget burns ${which === 'page' ? 'fast' : 'slowly'}`,
          description: `SLO {{ $labels.slo }}${slo.description ? ` (${slo.description})` : ''}: errors spend the budget of ${humanizePercentage(Number(budgetText(slo.target)))} (objective ${objective}) faster than ${how}.`,
        };
  return { ...texts, ...slo.alerting[which].annotations };
}

function alertRules(slo: SloConfig): object[] {
  const pairs = burnPairs(parseDuration(slo.window));
  const out: object[] = [];
  for (const which of ['page', 'ticket'] as const) {
    if (!slo.alerting[which].enabled) continue;
    const expr = burnExpr(slo, pairs.filter((p) => p.alert === which));
    out.push({ alert: SLO_ALERTS[which], expr, labels: sloAlertLabels(slo, which), annotations: sloAnnotations(slo, which) });
  }
  const noData = slo.alerting.noData;
  if (noData.enabled) {
    const expr = `absent(${sloIndicator(slo).total.text})`;
    out.push({ alert: SLO_ALERTS.noData, expr, ...(noData.for !== '0s' ? { for: noData.for } : {}), labels: sloAlertLabels(slo, 'noData'), annotations: sloAnnotations(slo, 'noData') });
  }
  return out;
}

function recordingRules(slo: SloConfig): object[] {
  const ind = sloIndicator(slo);
  const period = parseDuration(slo.window);
  const windows = sloWindows(period);
  const labels = { slo: slo.name };
  const budget = budgetText(slo.target);
  return [
    ...windows.map((w) => ({ record: errorRatioRecord(w), expr: errorRatioExpr(ind, windowText(w)), labels })),
    ...windows.map((w) => ({ record: burnRateRecord(w), expr: `${recorded(errorRatioRecord(w), slo)} / ${budget}`, labels })),
    // The period's ratio as the mean of the shortest window's: cheap to evaluate (a 30 d rate() is not); each
    // interval weighs the same whatever its traffic.
    { record: PERIOD_RECORD, expr: `avg_over_time(${recorded(errorRatioRecord(windows[0]), slo)}[${slo.window}])`, labels },
    { record: BUDGET_RECORD, expr: `1 - ${recorded(PERIOD_RECORD, slo)} / ${budget}`, labels },
    { record: OBJECTIVE_RECORD, expr: `vector(${slo.target})`, labels },
  ];
}

/** Names of the series the stack's SLO rules record. */
export function sloRecords(stack: { slos: SloConfig[] }): string[] {
  return [...new Set(stack.slos.flatMap((slo) => recordingRules(slo).map((r) => (r as { record: string }).record)))];
}

/** The rule file of an SLO as a plain object for YAML. */
export function sloRuleFile(slo: SloConfig): object {
  return { groups: [{ name: sloGroupName(slo), rules: [...recordingRules(slo), ...alertRules(slo)] }] };
}
