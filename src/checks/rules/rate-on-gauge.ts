/** rules/rate-on-gauge: rate()/irate()/increase() only over counters. */
import type { Check, Finding } from '../types';
import { finding, functionName, selectorOf, seriesInfo, ruleNodes } from './lib';

const RATE_FUNCTIONS = new Set(['rate', 'increase', 'irate']);

export const rateOnGauge: Check = {
  id: 'rules/rate-on-gauge',
  description: 'rate/increase/irate are applied to counters only',
  severity: 'error',
  target: 'rules',
  explain:
    'rate(), increase() and irate() treat every drop of the value as a counter reset and add it back, so over a gauge ' +
    '(memory in use, queue depth, active users) they report growth that never happened. Use deriv() or delta() for a ' +
    'gauge\'s change, or compare the gauge itself. Types come from the metric families (metrics/families.ts, ' +
    'metricFamilies) under each target\'s exported names; a histogram counts by its _bucket, _sum and _count series.',
  run(ctx) {
    const out: Finding[] = [];
    const info = seriesInfo(ctx.stack);
    for (const { r, node: call } of ruleNodes(ctx, (expr, n) => n.name === 'FunctionCall' && RATE_FUNCTIONS.has(functionName(expr, n)))) {
      const sel = call.getChild('FunctionCallBody')?.getChild('MatrixSelector')?.getChild('VectorSelector');
      const metric = sel ? selectorOf(r.rule.expr, sel).metric : undefined;
      const type = metric ? info.get(metric)?.type : undefined;
      if (type !== 'gauge' && type !== 'histogram') continue;
      const fn = functionName(r.rule.expr, call);
      out.push(finding(r, `${fn}() over ${metric}, a ${type}${type === 'histogram' ? ' base name (no such series)' : ''}; expected a counter (deriv() or delta() for a gauge)`));
    }
    return out;
  },
};
