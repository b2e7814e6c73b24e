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

interface Need {
  label: string;
  why: string;
  /** For a route matcher: the matcher a carried value must satisfy to make the label matter. */
  matcher?: { op: string; value: string };
}

/** Labels Alertmanager needs on an alert: `service`, inhibition `equal` labels, and route matcher labels. */
function routingLabels(stack: Stack): Need[] {
  const need: Need[] = [{ label: 'service', why: 'the stack routes, groups and inhibits on' }];
  stack.alertmanager.inhibitRules.forEach((r, i) => r.equal.forEach((l) => need.push({ label: l, why: `alertmanager.inhibitRules[${i}].equal matches on` })));
  const walk = (routes: RouteConfig[], where: string) =>
    routes.forEach((r, i) => {
      for (const m of r.matchers ?? []) {
        const parsed = parseMatcher(m);
        if (parsed) need.push({ label: parsed.label, why: `${where}.routes[${i}].matchers (${m}) matches on`, matcher: parsed });
      }
      walk(r.routes ?? [], `${where}.routes[${i}]`);
    });
  walk(stack.alertmanager.route.routes, 'alertmanager.route');
  return need.filter((n) => n.label !== 'alertname' && n.label !== 'severity'); // every alert has them
}

/** Whether a value satisfies an Alertmanager matcher (regexes are anchored). */
function satisfies(value: string, m: { op: string; value: string }): boolean {
  const re = () => new RegExp(`^(?:${m.value})$`).test(value);
  return m.op === '=' ? value === m.value : m.op === '!=' ? value !== m.value : m.op === '=~' ? re() : !re();
}

/** The target labels (name → values) of the jobs an alert's selectors can match. */
function carriedValues(stack: Stack, selectors: ReturnType<typeof selectorOf>[]): Map<string, string[]> {
  const jobs = scrapeJobs(stack);
  const out = new Map<string, string[]>();
  for (const job of new Set(selectors.flatMap((s) => selectorJobs(stack, s)))) {
    for (const [k, v] of Object.entries(jobs.find((x) => x.job === job)?.labels ?? {})) out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
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
    'or its warning is never inhibited by its critical. A route matcher counts only where the series the alert ' +
    'reads carry a value it matches (a target label of the jobs it selects): the alert would have gone there. vector(1) (the Watchdog) has no series to keep labels of. Fix: keep the label in by (...), or set it in the labels.',
  run(ctx) {
    const out: Finding[] = [];
    const needs = routingLabels(ctx.stack);
    for (const r of alertRules(ctx)) {
      const top = exprTree(r.rule.expr);
      if (!top || alwaysFiring(r.rule.expr)) continue;
      const k = resultKeeps(r.rule.expr, top);
      const carried = carriedValues(ctx.stack, nodes(top).filter((n) => n.name === 'VectorSelector').map((n) => selectorOf(r.rule.expr, n)));
      const reported = new Set<string>();
      for (const n of needs) {
        if (reported.has(n.label) || keeps(k, n.label) || r.rule.labels?.[n.label] !== undefined) continue;
        // A route matcher matters only when the series carry a value it matches: the alert would have gone there.
        if (n.matcher && !(carried.get(n.label) ?? []).some((v) => satisfies(v, n.matcher!))) continue;
        reported.add(n.label);
        out.push(finding(r, `the expression drops the label "${n.label}", which ${n.why}; expected it kept (by (..., ${n.label})) or set in the rule's labels`));
      }
    }
    return out;
  },
};
