/**
 * What the rule checks share: every rule of the synth output with its file, its PromQL tree (the official lezer
 * grammar), and what the stack knows about the series it reads (the jobs that provide them, their scrape intervals
 * and metric types). Not a check itself; the checks in this folder import it and never each other.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import type { Stack } from '../../schema';
import type { CheckContext, Finding, RuleEntry } from '../types';
import { parsePromQL, pinnedJobs, Selector } from '../../promql';
import { scrapeJobs } from '../../jobs';
import { parseDuration } from '../../duration';
import { providedSeries, stackFamilies, COMPONENT_METRICS, HOST_METRICS, PROBE_METRICS, SCRAPE_METRICS } from '../../metrics';
import { familyMapping } from '../../mapping';

export interface RuleRef {
  file: string;
  group: string;
  rule: RuleEntry;
  /** The alert or record name (findings' subject). */
  name: string;
}

export function allRules(ctx: CheckContext): RuleRef[] {
  return ctx.rules.flatMap((f) =>
    f.groups.flatMap((g) => g.rules.map((rule) => ({ file: f.file, group: g.name, rule, name: rule.alert ?? rule.record ?? '(unnamed)' }))),
  );
}

export const alertRules = (ctx: CheckContext): RuleRef[] => allRules(ctx).filter((r) => r.rule.alert !== undefined);

/** One finding about a rule. */
export const finding = (r: RuleRef, message: string): Finding => ({ file: r.file, subject: r.name, message });

const trees = new Map<string, SyntaxNode | undefined>();

/** The expression's top node, or undefined when it does not parse (promtool reports that). */
export function exprTree(expr: string): SyntaxNode | undefined {
  if (!trees.has(expr)) trees.set(expr, parsePromQL(expr).errors.length ? undefined : parser.parse(expr).topNode);
  return trees.get(expr);
}

/** Every node of a tree, depth first. */
export function nodes(top: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const walk = (n: SyntaxNode) => {
    out.push(n);
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(top);
  return out;
}

export const textOf = (expr: string, n: SyntaxNode | null | undefined): string => (n ? expr.slice(n.from, n.to) : '');

/** The function a call node names (`rate`, `histogram_quantile`, ...). */
export const functionName = (expr: string, call: SyntaxNode): string => textOf(expr, call.getChild('FunctionIdentifier'));

/** The selector (metric and matchers) of a VectorSelector node. */
export const selectorOf = (expr: string, node: SyntaxNode): Selector => parsePromQL(textOf(expr, node)).selectors[0] ?? { matchers: [] };

/** vector(1): an alert that always fires on purpose (the Watchdog, a dead man's switch); no series, no condition. */
export const alwaysFiring = (expr: string): boolean => /^vector\(\s*1\s*\)$/.test(expr.trim());

/** The nearest enclosing function call, aggregation, binary or subquery expression of a node (parentheses skipped). */
export function enclosing(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.name === 'FunctionCall' || p.name === 'AggregateExpr' || p.name === 'BinaryExpr' || p.name === 'SubqueryExpr') return p;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// What the stack knows about series

export interface SeriesInfo {
  /** counter, gauge, histogram (the base name), or the histogram's `_bucket`, `_sum`, `_count` series. */
  type: 'counter' | 'gauge' | 'histogram' | 'bucket' | 'sum' | 'count';
  jobs: string[];
}

const infoCache = new WeakMap<Stack, Map<string, SeriesInfo>>();

/** Exported series name → its type and the jobs providing it (the families under each target's names). */
export function seriesInfo(stack: Stack): Map<string, SeriesInfo> {
  let out = infoCache.get(stack);
  if (out) return out;
  out = new Map();
  const provided = providedSeries(stack);
  const put = (name: string, type: SeriesInfo['type']) => {
    if (!out!.has(name)) out!.set(name, { type, jobs: provided.get(name) ?? [] });
  };
  const addDefs = (defs: Record<string, { type: string }>, rename: (n: string) => string = (n) => n) => {
    for (const [logical, def] of Object.entries(defs)) {
      const name = rename(logical);
      if (def.type !== 'histogram') put(name, def.type as SeriesInfo['type']);
      else for (const [suffix, type] of HISTOGRAM_SERIES) put(`${name}${suffix}`, type);
    }
  };
  addDefs(SCRAPE_METRICS);
  for (const defs of Object.values(COMPONENT_METRICS)) addDefs(defs);
  addDefs(PROBE_METRICS); // the blackbox exporter's, under each probe job
  for (const defs of Object.values(HOST_METRICS)) addDefs(defs); // node-exporter's and cAdvisor's
  const families = stackFamilies(stack);
  for (const t of stack.scrapeTargets) {
    for (const family of t.ruleSets) addDefs(families[family] ?? {}, (n) => familyMapping(stack, t.job, family).names[n] ?? n);
  }
  infoCache.set(stack, out);
  return out;
}

const HISTOGRAM_SERIES: Array<[string, SeriesInfo['type']]> = [['', 'histogram'], ['_bucket', 'bucket'], ['_sum', 'sum'], ['_count', 'count']];

/** Whether a series only ever goes up: a counter, or a histogram's `_bucket`, `_sum`, `_count`. */
export function isCounter(stack: Stack, metric: string): boolean {
  const info = seriesInfo(stack).get(metric);
  if (info) return info.type === 'counter' || info.type === 'bucket' || info.type === 'sum' || info.type === 'count';
  return metric.endsWith('_total'); // a name the stack does not know: Prometheus' naming convention
}

/** Names of the recording rules of the output: series the rules make themselves. */
export function recordedNames(ctx: CheckContext): Set<string> {
  return new Set(allRules(ctx).flatMap((r) => (r.rule.record ? [r.rule.record] : [])));
}

/** The jobs a selector can match: those its `job` matcher pins, else every job providing its metric (or every job). */
export function selectorJobs(stack: Stack, sel: Selector): string[] {
  const all = scrapeJobs(stack).map((j) => j.job);
  const pinned = pinnedJobs(sel.matchers);
  if (pinned) return pinned.filter((j) => all.includes(j));
  const providers = sel.metric ? seriesInfo(stack).get(sel.metric)?.jobs : undefined;
  return providers?.length ? providers : all;
}

/** A job's scrape interval in ms (its own, else the global one) and as written. */
export function scrapeInterval(stack: Stack, job: string): { ms: number; text: string } {
  const text = scrapeJobs(stack).find((j) => j.job === job)?.interval ?? stack.prometheus.scrapeInterval;
  return { ms: parseDuration(text), text };
}

/** A PromQL duration in ms (`90s`, `1m30s`); NaN when it is not a plain duration. */
export function durationMs(text: string): number {
  try {
    return parseDuration(text.trim());
  } catch {
    return NaN;
  }
}

/** The syntax nodes `pick` accepts in every rule that parses (a rule that does not parse is promtool's to report). */
export function ruleNodes(ctx: CheckContext, pick: (expr: string, n: SyntaxNode) => boolean): Array<{ r: RuleRef; node: SyntaxNode }> {
  return allRules(ctx).flatMap((r) => {
    const top = exprTree(r.rule.expr);
    return top ? nodes(top).filter((n) => pick(r.rule.expr, n)).map((node) => ({ r, node })) : [];
  });
}
