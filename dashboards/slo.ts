/**
 * SLOs: per objective of the stack's `slos`, a row with the objective, the SLI, the error budget left over the
 * period and the burn rate over every window the alerts use, with the page and ticket factors drawn as lines.
 * It reads the recordings of src/render/slo.ts; a stack without SLOs gets no such dashboard.
 */
import type { SloConfig } from '../src/schema';
import { parseDuration } from '../src/duration';
import { burnPairs, sloWindows, windowText } from '../src/slo/windows';
import { BUDGET_RECORD, burnRateRecord, errorRatioRecord, OBJECTIVE_RECORD, recorded } from '../src/render/slo';
import { buildDashboard, DashboardDefinition, promql, Section, statPanel, timeseriesPanel } from './lib';

function sloSection(slo: SloConfig): Section {
  const period = parseDuration(slo.window);
  const windows = sloWindows(period);
  const pairs = burnPairs(period);
  const factors = [...new Set(pairs.map((p) => p.factorText))];
  const about = `${slo.description ? `${slo.description}. ` : ''}Objective ${slo.target} over ${slo.window}.`;
  return {
    title: `SLO ${slo.name}`,
    panels: [
      statPanel(`${slo.name}: Objective`, [promql(recorded(OBJECTIVE_RECORD, slo), 'objective', { instant: true })], { unit: 'percentunit', width: 6, description: about }),
      statPanel(`${slo.name}: SLI over the longest page window`, [promql(`1 - ${recorded(errorRatioRecord(pairs[0].long), slo)}`, 'SLI', { instant: true })], {
        unit: 'percentunit',
        width: 6,
        description: `Share of good events over the last ${windowText(pairs[0].long)}.`,
      }),
      statPanel(`${slo.name}: Error budget remaining`, [promql(recorded(BUDGET_RECORD, slo), 'remaining', { instant: true })], {
        unit: 'percentunit',
        width: 12,
        description: `Share of the ${slo.window} error budget not yet spent (below 0: the objective is missed).`,
        thresholds: [
          { value: null, color: 'red' },
          { value: 0, color: 'orange' },
          { value: 0.25, color: 'green' },
        ],
      }),
      timeseriesPanel(`${slo.name}: Burn rate by window`, [...windows.map((w) => promql(recorded(burnRateRecord(w), slo), windowText(w))), ...factors.map((f) => promql(`vector(${f})`, `${f}x`))], {
        unit: 'short',
        width: 12,
        description: 'How fast errors spend the budget (1 = it lasts exactly the period); the lines are the alert factors. A pair alerts when both its windows are above its factor.',
      }),
      timeseriesPanel(`${slo.name}: SLI by window`, windows.map((w) => promql(`1 - ${recorded(errorRatioRecord(w), slo)}`, windowText(w))), {
        unit: 'percentunit',
        width: 12,
        description: 'Share of good events over each window.',
      }),
    ],
  };
}

export const slo: DashboardDefinition = {
  uid: 'slo',
  title: 'SLOs',
  folder: 'Application',
  build(stack) {
    return buildDashboard({
      uid: this.uid,
      title: this.title,
      description: `Service level objectives of the ${stack.name} stack: objective, SLI, error budget and burn rates.`,
      tags: ['slo'],
      sections: stack.slos.map(sloSection),
    });
  },
};
