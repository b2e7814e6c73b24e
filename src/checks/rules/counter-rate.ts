/** rules/counter-rate: a counter is read only through rate/increase/irate/resets (or tested for presence). */
import type { SyntaxNode } from '@lezer/common';
import type { Check, Finding } from '../types';
import { enclosing, finding, functionName, isCounter, selectorOf, textOf, ruleNodes } from './lib';

/** Functions that make sense of a counter's raw value: its rate, its increase, its resets, or whether it exists. */
const COUNTER_FUNCTIONS = new Set(['rate', 'increase', 'irate', 'resets', 'absent', 'absent_over_time', 'present_over_time', 'timestamp']);
/** Aggregations that only count series, whatever their value. */
const COUNTING = new Set(['count', 'group']);

function readsRawValue(expr: string, node: SyntaxNode): boolean {
  const r = enclosing(node);
  if (!r) return true;
  if (r.name === 'BinaryExpr' && onlyLabelsMatter(r, node)) return false;
  if (r.name === 'FunctionCall') return !COUNTER_FUNCTIONS.has(functionName(expr, r));
  if (r.name === 'AggregateExpr') return !COUNTING.has(textOf(expr, r.getChild('AggregateOp')));
  return true;
}

/** The right side of `and`/`unless`: only which label sets exist matters, not the values. */
function onlyLabelsMatter(binary: SyntaxNode, node: SyntaxNode): boolean {
  let op: SyntaxNode | null = binary.firstChild;
  while (op && op.name !== 'And' && op.name !== 'Unless') op = op.nextSibling;
  return !!op && node.from > op.from;
}

export const counterRate: Check = {
  id: 'rules/counter-rate',
  description: 'counters are read only through rate/increase/irate/resets',
  severity: 'error',
  target: 'rules',
  explain:
    'A counter\'s raw value is the number of events since the process started: it resets to 0 on every restart and ' +
    'grows without bound, so comparing it (http_requests_total > 100) or summing it says nothing about now and flips ' +
    'at every deploy. Read counters through rate(), increase() or irate() (or resets(); absent() and count() only ask ' +
    'whether they exist, as does the right side of and/unless). Metric types come from the metric families (metrics/families.ts, metricFamilies) under each ' +
    'target\'s exported names; a name the stack does not know counts as a counter when it ends in _total.',
  run(ctx) {
    const out: Finding[] = [];
    for (const { r, node } of ruleNodes(ctx, (_expr, n) => n.name === 'VectorSelector')) {
      const metric = selectorOf(r.rule.expr, node).metric;
      if (!metric || !isCounter(ctx.stack, metric) || !readsRawValue(r.rule.expr, node)) continue;
      out.push(finding(r, `reads the counter ${metric} without rate/increase/irate (${textOf(r.rule.expr, node)}); expected e.g. increase(${metric}[5m])`));
    }
    return out;
  },
};
