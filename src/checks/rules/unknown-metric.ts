/** rules/unknown-metric: every metric a rule reads is provided by a job it can match, or recorded by a rule. */
import type { Check, Finding } from '../types';
import { pinnedJobs } from '../../promql';
import { allRules, exprTree, finding, nodes, recordedNames, selectorOf, seriesInfo } from './lib';

/** Series Prometheus makes itself from the rules. */
const BUILTIN = new Set(['ALERTS', 'ALERTS_FOR_STATE']);

export const unknownMetric: Check = {
  id: 'rules/unknown-metric',
  description: 'rules read only metrics a scrape target of the stack provides',
  severity: 'error',
  target: 'rules',
  explain:
    'An alert over a metric nobody exports never fires: it is silently empty (pint finds this against a live ' +
    'Prometheus; the stack knows it offline). The provided metrics are each job\'s metric families (ruleSets, under ' +
    'the names its mapping exports), the components\' own metrics, up and the scrape metrics, less dropMetrics; a ' +
    'selector with a job matcher must find the metric on one of those jobs. Series recorded by a rule count too. Fix: ' +
    'list the family in the target\'s ruleSets, declare the metric in metricFamilies, or correct the name.',
  run(ctx) {
    const out: Finding[] = [];
    const info = seriesInfo(ctx.stack);
    const recorded = recordedNames(ctx);
    for (const r of allRules(ctx)) {
      const top = exprTree(r.rule.expr);
      if (!top) continue;
      for (const node of nodes(top).filter((n) => n.name === 'VectorSelector')) {
        const sel = selectorOf(r.rule.expr, node);
        if (!sel.metric || BUILTIN.has(sel.metric) || recorded.has(sel.metric)) continue;
        const providers = info.get(sel.metric)?.jobs ?? [];
        const pinned = pinnedJobs(sel.matchers);
        if (providers.length && (!pinned || pinned.some((j) => providers.includes(j)))) continue;
        const where = pinned ? `job${pinned.length > 1 ? 's' : ''} ${pinned.map((j) => `"${j}"`).join(', ')}` : 'any job';
        out.push(finding(r, `reads ${sel.metric}, which ${where} of the stack does not provide${providers.length ? ` (provided by ${providers.join(', ')})` : ''}; expected a metric of the jobs' families (ruleSets, metricFamilies)`));
      }
    }
    return out;
  },
};
