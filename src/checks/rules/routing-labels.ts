/** rules/routing-labels: an alert keeps the labels Alertmanager routes and inhibits on. */
import type { SyntaxNode } from '@lezer/common';
import type { RouteConfig, Stack } from '../../schema';
import type { Check, Finding } from '../types';
import { parseMatcher } from '../../promql';
import { scrapeJobs } from '../../jobs';
import { alertRules, alwaysFiring, exprTree, finding, functionName, nodes, selectorJobs, selectorOf, textOf } from './lib';

/** The labels a result keeps: every label but `except`, or `only` these. */
type Keeps = { only: Set<string> } | { except: Set<string> };
const ALL: Keeps = { except: new Set() };
const COMPARISON_OR_ARITH = /^(Gtr|Gte|Lss|Lte|Eql|Neq|Add|Sub|Mul|Div|Mod|Pow|Atan2)$/;

const keeps = (k: Keeps, label: string) => ('only' in k ? k.only.has(label) : !k.except.has(label));
const labelsOf = (expr: string, n: SyntaxNode | null) =>
  new Set(n ? nodes(n).filter((c) => c.name === 'LabelName').map((c) => textOf(expr, c)) : []);

/** What labels an expression's result carries (conservatively: unknown keeps everything). */
function resultKeeps(expr: string, n: SyntaxNode): Keeps {
  switch (n.name) {
    case 'PromQL': case 'ParenExpr': case 'OffsetExpr': case 'SubqueryExpr': case 'MatrixSelector': case 'FunctionCallBody':
      return firstVector(expr, n);
    case 'AggregateExpr': {
      const op = textOf(expr, n.getChild('AggregateOp'));
      if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(op)) return firstVector(expr, n.getChild('FunctionCallBody')!);
      const mod = n.getChild('AggregateModifier');
      const labels = labelsOf(expr, mod?.getChild('GroupingLabels') ?? null);
      return mod?.getChild('Without') ? { except: labels } : { only: labels };
    }
    case 'FunctionCall': {
      const fn = functionName(expr, n);
      if (fn === 'absent' || fn === 'absent_over_time') return { only: absentLabels(expr, n) };
      if (['vector', 'time', 'scalar'].includes(fn)) return { only: new Set() };
      return firstVector(expr, n.getChild('FunctionCallBody')!);
    }
    case 'BinaryExpr':
      return binaryKeeps(expr, n);
    default:
      return ALL;
  }
}

/** The labels of the first non-literal argument. */
function firstVector(expr: string, n: SyntaxNode): Keeps {
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (/Expr$|Selector$|FunctionCall|^PromQL$/.test(c.name) && c.name !== 'DurationExpr') return resultKeeps(expr, c);
  }
  return { only: new Set() };
}

/** absent(x{a="b"}) carries the labels of its equality matchers. */
function absentLabels(expr: string, call: SyntaxNode): Set<string> {
  const sel = nodes(call).find((c) => c.name === 'VectorSelector');
  return new Set(sel ? selectorOf(expr, sel).matchers.filter((m) => m.op === '=').map((m) => m.label) : []);
}

function binaryKeeps(expr: string, n: SyntaxNode): Keeps {
  const sides = [...childrenOf(n)].filter((c) => /Expr$|Selector$|FunctionCall|NumberDurationLiteral|StringLiteral/.test(c.name));
  const [left, right] = sides.map((s) => (/Literal$/.test(s.name) ? undefined : resultKeeps(expr, s)));
  if (!left || !right) return left ?? right ?? { only: new Set() };
  const op = [...childrenOf(n)].find((c) => COMPARISON_OR_ARITH.test(c.name) || /^(And|Or|Unless)$/.test(c.name))?.name ?? '';
  if (op === 'Or') return { only: new Set() }; // either side's labels: conservatively neither
  const matching = n.getChild('MatchingModifierClause');
  // One-to-one arithmetic or comparison with on(...) keeps only those labels (Prometheus' resultMetric).
  if (COMPARISON_OR_ARITH.test(op) && matching?.getChild('On') && !matching.getChild('GroupLeft') && !matching.getChild('GroupRight'))
    return { only: labelsOf(expr, matching.getChild('GroupingLabels')) };
  return left;
}

function* childrenOf(n: SyntaxNode) {
  for (let c = n.firstChild; c; c = c.nextSibling) yield c;
}

/** Labels Alertmanager needs on an alert: `service`, inhibition `equal` labels, and route matcher labels. */
function routingLabels(stack: Stack): Map<string, string> {
  const need = new Map<string, string>([['service', 'the stack routes and groups by service']]);
  stack.alertmanager.inhibitRules.forEach((r, i) =>
    r.equal.forEach((l) => need.set(l, `alertmanager.inhibitRules[${i}].equal`)));
  const walk = (routes: RouteConfig[], where: string) =>
    routes.forEach((r, i) => {
      for (const m of r.matchers ?? []) {
        const label = parseMatcher(m)?.label;
        if (label && !need.has(label)) need.set(label, `${where}.routes[${i}].matchers`);
      }
      walk(r.routes ?? [], `${where}.routes[${i}]`);
    });
  walk(stack.alertmanager.route.routes, 'alertmanager.route');
  for (const own of ['alertname', 'severity']) need.delete(own); // every alert has them
  return need;
}

export const routingLabelsCheck: Check = {
  id: 'rules/routing-labels',
  description: 'alerts keep the labels routing and inhibition match on',
  severity: 'error',
  target: 'rules',
  explain:
    'Alertmanager routes, groups and inhibits by labels: the stack puts `service` on every series for that, routes ' +
    'match on labels, and an inhibit rule silences a target only when the `equal` labels are the same. An alert whose ' +
    'expression aggregates a label away (sum by (job) (...), a one-to-one match on(...)) reaches the wrong receiver, ' +
    'or its warning is never inhibited by its critical. A route matcher label counts only where the series the alert ' +
    'reads carry it (a target label of the jobs it selects). vector(1) (the Watchdog) has no series to keep labels of. Fix: keep the label in by (...), or set it in the labels.',
  run(ctx) {
    const out: Finding[] = [];
    const need = routingLabels(ctx.stack);
    const jobs = scrapeJobs(ctx.stack);
    for (const r of alertRules(ctx)) {
      const top = exprTree(r.rule.expr);
      if (!top || alwaysFiring(r.rule.expr)) continue;
      const k = resultKeeps(r.rule.expr, top);
      const sels = nodes(top).filter((n) => n.name === 'VectorSelector').map((n) => selectorOf(r.rule.expr, n));
      const carried = new Set(sels.flatMap((s) => selectorJobs(ctx.stack, s)).flatMap((j) => Object.keys(jobs.find((x) => x.job === j)?.labels ?? {})));
      for (const [label, why] of need) {
        if (keeps(k, label) || r.rule.labels?.[label] !== undefined) continue;
        if (why.includes('.matchers') && !carried.has(label)) continue;
        out.push(finding(r, `the expression drops the label "${label}", which ${why.startsWith('the stack') ? why : `${why} matches on`}; expected it kept (by (..., ${label})) or set in the rule's labels`));
      }
    }
    return out;
  },
};
