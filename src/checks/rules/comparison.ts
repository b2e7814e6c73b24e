/** rules/comparison: an alert expression has a condition, so it does not fire whenever its series exist. */
import type { SyntaxNode } from '@lezer/common';
import type { Check, Finding } from '../types';
import { alertRules, alwaysFiring, exprTree, finding, functionName } from './lib';

const COMPARISONS = /^(Gtr|Gte|Lss|Lte|Eql|Neq)$/;

/** Whether the expression filters: a comparison without `bool`, absent(), or set operations over conditions. */
function hasCondition(expr: string, n: SyntaxNode): boolean {
  if (n.name === 'PromQL' || n.name === 'ParenExpr') return !!n.firstChild && [...kids(n)].some((c) => hasCondition(expr, c));
  if (n.name === 'FunctionCall') return ['absent', 'absent_over_time'].includes(functionName(expr, n));
  if (n.name !== 'BinaryExpr') return false;
  const kinds = [...kids(n)];
  if (kinds.some((c) => COMPARISONS.test(c.name))) return !n.getChild('BoolModifier');
  const sides = kinds.filter((c) => !/^(And|Or|Unless|MatchingModifierClause)$/.test(c.name));
  if (kinds.some((c) => c.name === 'And')) return sides.some((s) => hasCondition(expr, s));
  if (kinds.some((c) => c.name === 'Unless')) return hasCondition(expr, sides[0]);
  if (kinds.some((c) => c.name === 'Or')) return sides.every((s) => hasCondition(expr, s));
  return false;
}

function* kids(n: SyntaxNode) {
  for (let c = n.firstChild; c; c = c.nextSibling) yield c;
}


export const comparison: Check = {
  id: 'rules/comparison',
  description: 'alert expressions have a condition (a comparison or absent())',
  severity: 'error',
  target: 'rules',
  explain:
    'An alerting rule fires for every series its expression returns. Without a comparison (> 0.05, == 0) or absent(), ' +
    'an expression such as rate(errors_total[5m]) returns a series whenever the metric exists, so the alert fires ' +
    'all the time, at zero errors too (pint\'s alerts/comparison). A comparison with `bool` returns 0 or 1 for every ' +
    'series and does not filter either. vector(1), an alert that always fires on purpose (the Watchdog), is accepted.',
  run(ctx) {
    const out: Finding[] = [];
    for (const r of alertRules(ctx)) {
      const top = exprTree(r.rule.expr);
      if (!top || alwaysFiring(r.rule.expr) || hasCondition(r.rule.expr, top)) continue;
      out.push(finding(r, `the expression has no condition, so the alert fires whenever its series exist; expected a comparison such as "> 0" or absent()`));
    }
    return out;
  },
};
