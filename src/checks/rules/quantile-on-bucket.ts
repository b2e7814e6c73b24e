/** rules/quantile-on-bucket: histogram_quantile reads a histogram's `_bucket` series. */
import type { Check, Finding } from '../types';
import { finding, functionName, nodes, selectorOf, seriesInfo, ruleNodes } from './lib';

export const quantileOnBucket: Check = {
  id: 'rules/quantile-on-bucket',
  description: 'histogram_quantile reads _bucket series of a histogram',
  severity: 'error',
  target: 'rules',
  explain:
    'histogram_quantile() computes a quantile from the cumulative bucket counters of a histogram, the _bucket series ' +
    'with their le label. Over anything else (the histogram\'s _sum or _count, a gauge, a summary) it returns nothing ' +
    'or nonsense, and the alert never fires. Types come from the metric families (metrics/families.ts, ' +
    'metricFamilies) under each target\'s exported names; a metric the stack does not know is judged by its _bucket suffix.',
  run(ctx) {
    const out: Finding[] = [];
    const info = seriesInfo(ctx.stack);
    for (const { r, node: call } of ruleNodes(ctx, (expr, n) => n.name === 'FunctionCall' && functionName(expr, n) === 'histogram_quantile')) {
      for (const sel of nodes(call).filter((n) => n.name === 'VectorSelector')) {
        const metric = selectorOf(r.rule.expr, sel).metric;
        if (!metric) continue;
        const type = info.get(metric)?.type;
        if (type === 'bucket' || (type === undefined && metric.endsWith('_bucket'))) continue;
        out.push(finding(r, `histogram_quantile over ${metric}${type ? ` (a ${type === 'sum' || type === 'count' ? `histogram's _${type}` : type})` : ''}; expected the _bucket series of a histogram`));
      }
    }
    return out;
  },
};
