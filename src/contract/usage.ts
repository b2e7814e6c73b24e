/**
 * What rendered rules and dashboards use, read from the synth output (so it holds whatever metric names the stack
 * renders): per PromQL expression, every vector selector with its matchers, the labels the expression groups or
 * matches on above it, the function applied to it and whether it sits inside histogram_quantile; every
 * `histogram_quantile(...) <op> N` comparison; and, for alerts, the `$labels.x` their annotations print.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { parsePromQL, Selector } from '../promql';
import { customOptions, substituteVariables } from '../checks/dashboards/variables';
import { readDashboards } from '../checks/context';

export interface SelectorUse extends Selector {
  metric: string;
  /** Labels named by by/without/on clauses above the selector. */
  grouping: Array<{ label: string; clause: string }>;
  /** The nearest function applied to the selector (rate, increase, delta, ...). */
  fn?: string;
  /** The selector feeds a histogram_quantile. */
  inQuantile: boolean;
}

export interface QuantileThreshold {
  /** Normalised so the quantile is on the left: `histogram_quantile(...) > 2`. */
  op: '>' | '>=' | '<' | '<=';
  value: number;
  selectors: SelectorUse[];
}

export interface ExprUsage {
  selectors: SelectorUse[];
  thresholds: QuantileThreshold[];
  /** Labels the result keeps when its outermost aggregation says so (undefined: whatever the series carry). */
  resultKeeps?: { only?: string[]; except?: string[] };
}

const COMPARE: Record<string, QuantileThreshold['op']> = { Gtr: '>', Gte: '>=', Lss: '<', Lte: '<=' };
const FLIP: Record<QuantileThreshold['op'], QuantileThreshold['op']> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };
/** Functions whose output labels cannot be told from their input: grouping above them is not checked. */
const LABEL_MAKERS = new Set(['label_replace', 'label_join', 'count_values']);

/** Analyses one PromQL expression; undefined when it does not parse (other checks report that). */
export function analyzeExpr(expr: string): ExprUsage | undefined {
  if (parsePromQL(expr).errors.length) return undefined;
  const text = (n: SyntaxNode | null | undefined) => (n ? expr.slice(n.from, n.to) : '');
  const selectors: Array<{ use: SelectorUse; at: number }> = [];
  const thresholds: Array<{ t: QuantileThreshold; span: [number, number] }> = [];
  const top = parser.parse(expr).topNode;
  const walk = (node: SyntaxNode) => {
    if (node.name === 'VectorSelector') {
      const sel = parsePromQL(text(node)).selectors[0];
      if (sel?.metric) selectors.push({ use: { ...sel, metric: sel.metric, ...context(node, text) }, at: node.from });
      return;
    }
    if (node.name === 'BinaryExpr') {
      const found = quantileThreshold(node, text);
      if (found) thresholds.push(found);
    }
    for (let c = node.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(top);
  for (const { t, span } of thresholds) t.selectors = selectors.filter((s) => s.at >= span[0] && s.at < span[1]).map((s) => s.use);
  return { selectors: selectors.map((s) => s.use), thresholds: thresholds.map((x) => x.t), resultKeeps: resultKeeps(top, text) };
}

/** Grouping labels, nearest function and histogram_quantile context of a selector, from its ancestors. */
function context(node: SyntaxNode, text: (n: SyntaxNode | null | undefined) => string) {
  const grouping: SelectorUse['grouping'] = [];
  let fn: string | undefined;
  let inQuantile = false;
  let opaque = false;
  for (let p = node.parent; p; p = p.parent) {
    if (p.name === 'FunctionCall') {
      const name = text(p.getChild('FunctionIdentifier'));
      fn ??= name;
      if (name === 'histogram_quantile') inQuantile = true;
      if (LABEL_MAKERS.has(name)) opaque = true;
    }
    if (p.name === 'AggregateExpr') {
      const op = text(p.getChild('AggregateOp'));
      fn ??= op;
      const mod = p.getChild('AggregateModifier');
      if (mod && !opaque) for (const l of labelNames(mod.getChild('GroupingLabels'), text)) grouping.push({ label: l, clause: text(mod.firstChild) });
      if (op === 'count_values') opaque = true;
    }
    if (p.name === 'BinaryExpr') {
      const mod = p.getChild('MatchingModifierClause');
      // on(x) needs x on both sides; ignoring(x) is commonly a label only one side has, so it is not a use.
      if (mod?.firstChild?.name === 'On' && !opaque) {
        for (const l of labelNames(mod.getChild('GroupingLabels'), text)) grouping.push({ label: l, clause: 'on' });
      }
      // group_left(x) brings x from the other side: labels grouped above are not this selector's alone.
      if (mod?.getChild('GroupLeft') || mod?.getChild('GroupRight')) opaque = true;
    }
  }
  return { grouping, fn, inQuantile };
}

function labelNames(node: SyntaxNode | null, text: (n: SyntaxNode | null | undefined) => string): string[] {
  const out: string[] = [];
  for (let c = node?.firstChild; c; c = c.nextSibling) if (c.name === 'LabelName') out.push(text(c));
  return out;
}

/** Skips parentheses: `(x)` → x. */
function unwrap(node: SyntaxNode | null): SyntaxNode | null {
  let n = node;
  while (n?.name === 'ParenExpr') n = n.firstChild?.nextSibling ?? n.firstChild;
  return n;
}

/** `histogram_quantile(...) > N` (or `N < histogram_quantile(...)`), with the quantile call's span. */
function quantileThreshold(node: SyntaxNode, text: (n: SyntaxNode | null | undefined) => string): { t: QuantileThreshold; span: [number, number] } | undefined {
  const operands: SyntaxNode[] = [];
  let opName: string | undefined;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (COMPARE[c.name]) opName = c.name;
    else if (isOperand(c)) operands.push(c);
  }
  if (!opName || operands.length !== 2) return undefined;
  const [l, r] = operands.map(unwrap);
  const isQuantile = (n: SyntaxNode | null) => n?.name === 'FunctionCall' && text(n.getChild('FunctionIdentifier')) === 'histogram_quantile';
  const isNumber = (n: SyntaxNode | null) => n?.name === 'NumberDurationLiteral' && Number.isFinite(Number(text(n)));
  const make = (op: QuantileThreshold['op'], value: SyntaxNode, q: SyntaxNode) => ({ t: { op, value: Number(text(value)), selectors: [] }, span: [q.from, q.to] as [number, number] });
  if (isQuantile(l) && isNumber(r)) return make(COMPARE[opName], r!, l!);
  if (isNumber(l) && isQuantile(r)) return make(FLIP[COMPARE[opName]], l!, r!);
  return undefined;
}

/** The outermost aggregation's by/without (through comparisons, arithmetic with scalars and parentheses). */
function resultKeeps(top: SyntaxNode, text: (n: SyntaxNode | null | undefined) => string): ExprUsage['resultKeeps'] {
  let n = unwrap(top.firstChild);
  const dropped: string[] = [];
  while (n) {
    if (n.name === 'AggregateExpr') {
      const op = text(n.getChild('AggregateOp'));
      if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(op)) return undefined;
      const mod = n.getChild('AggregateModifier');
      const labels = labelNames(mod?.getChild('GroupingLabels') ?? null, text);
      const kept = (mod ? labels : []).filter((l) => !dropped.includes(l));
      return mod?.firstChild?.name === 'Without' ? { except: [...labels, ...dropped] } : { only: kept };
    }
    if (n.name === 'FunctionCall') {
      // Functions that keep their argument's labels: follow the vector argument.
      if (LABEL_MAKERS.has(text(n.getChild('FunctionIdentifier'))) || /^(absent|absent_over_time|vector|scalar|time|sort_by_label.*)$/.test(text(n.getChild('FunctionIdentifier')))) return undefined;
      if (text(n.getChild('FunctionIdentifier')) === 'histogram_quantile') dropped.push('le');
      const args: SyntaxNode[] = [];
      for (let c = n.getChild('FunctionCallBody')?.firstChild; c; c = c.nextSibling) if (!/^(NumberDurationLiteral|StringLiteral|[(),])$/.test(c.name)) args.push(c);
      n = unwrap(args[0] ?? null);
      continue;
    }
    if (n.name !== 'BinaryExpr' || n.getChild('MatchingModifierClause')) return undefined;
    // Vector op vector keeps the left side's labels; vector op scalar keeps the vector's.
    const sides: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (isOperand(c)) sides.push(c);
    const [l, r] = sides.map(unwrap);
    n = l && l.name !== 'NumberDurationLiteral' ? l : r;
  }
  return undefined;
}

const isOperand = (c: SyntaxNode) => !/^(BoolModifier|MatchingModifierClause|Add|Sub|Mul|Div|Mod|Pow|Eql|Neq|Gtr|Gte|Lss|Lte|And|Or|Unless|Atan2)$/.test(c.name);

/** One expression a rule or a panel query evaluates. */
export interface Use {
  /** Names the rule file and alert, or the dashboard, panel and query. */
  where: string;
  usage: ExprUsage;
  /** Result labels it prints: `$labels.x` in an alert's annotations, `{{x}}` in a panel's legend. */
  printedLabels: Array<{ label: string; in: string }>;
}

interface RuleFile {
  groups?: Array<{ name?: string; rules?: Array<{ alert?: string; record?: string; expr?: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }>;
}

/** `{{ $labels.x }}`, `{{ index $labels "x" }}`. */
const LABEL_REFS = [/\$labels\.([A-Za-z_][A-Za-z0-9_]*)/g, /index\s+\$labels\s+"([^"]+)"/g];
/** `{{x}}` in a Grafana legend. */
const LEGEND_REF = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const refs = (text: string, patterns: RegExp[]) => [...new Set(patterns.flatMap((re) => [...text.matchAll(re)].map((m) => m[1])))];

/** Every alert and recording rule of `<filesDir>/prometheus/rules/*.yml`, and the series names the rules record. */
export function ruleUses(filesDir: string): { uses: Use[]; recorded: Set<string> } {
  const dir = path.join(filesDir, 'prometheus', 'rules');
  const uses: Use[] = [];
  const recorded = new Set<string>();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  for (const f of files) {
    const doc = (yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) ?? {}) as RuleFile;
    for (const group of doc.groups ?? []) {
      const earlier = new Map<string, string>();
      for (const rule of group.rules ?? []) {
        if (rule.record) recorded.add(rule.record);
        // An alert reading a series its group records is judged on the recorded expression (src/render/recording.ts).
        const expr = typeof rule.expr === 'string' ? (rule.alert ? inlineRecorded(rule.expr, earlier) : rule.expr) : undefined;
        if (rule.record && typeof rule.expr === 'string') earlier.set(rule.record, rule.expr);
        const usage = expr !== undefined ? analyzeExpr(expr) : undefined;
        if (!usage) continue;
        const what = rule.alert ? `alert "${rule.alert}"${rule.labels?.severity ? ` (${rule.labels.severity})` : ''}` : `recording rule "${rule.record}"`;
        const printedLabels = Object.entries(rule.annotations ?? {}).flatMap(([k, v]) => refs(v, LABEL_REFS).map((label) => ({ label, in: `annotation ${k}` })));
        uses.push({ where: `prometheus/rules/${f}: group "${group.name}": ${what}`, usage, printedLabels });
      }
    }
  }
  return { uses, recorded };
}

/** `expr` with every whole-name use of a recorded series replaced by its recording expression, in parentheses. */
function inlineRecorded(expr: string, records: Map<string, string>): string {
  let out = expr;
  for (const [name, recordedExpr] of records) {
    const re = new RegExp(`(?<![A-Za-z0-9_:])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_:])`, 'g');
    out = out.replace(re, () => `(${recordedExpr})`);
  }
  return out;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const panelsOf = (panels: unknown): Json[] => (Array.isArray(panels) ? panels.filter(isObj).flatMap((p) => [p, ...panelsOf(p.panels)]) : []);
const isPrometheus = (ds: unknown) => isObj(ds) && ds.type === 'prometheus';

/**
 * Every PromQL query of the rendered dashboards. Variables become what they stand for: a custom variable all its
 * options (`job=~"$job"` selects every job the dashboard offers), any other variable the jobs given (`jobs`).
 */
export function dashboardUses(filesDir: string, jobs: string[]): Use[] {
  const uses: Use[] = [];
  for (const { file, text } of readDashboards(filesDir)) {
    let dash: Json;
    try {
      dash = JSON.parse(text) as Json;
    } catch {
      continue; // the dashboard check reports unreadable files
    }
    const samples = variableSamples(dash, jobs);
    for (const panel of panelsOf(dash.panels)) {
      for (const t of Array.isArray(panel.targets) ? panel.targets.filter(isObj) : []) {
        if (typeof t.expr !== 'string' || !isPrometheus(t.datasource ?? panel.datasource)) continue;
        const usage = analyzeExpr(substituteVariables(t.expr, samples));
        if (!usage) continue;
        const legend = typeof t.legendFormat === 'string' ? refs(t.legendFormat, [LEGEND_REF]) : [];
        uses.push({
          where: `dashboard "${String(dash.title)}" (${file}): panel "${String(panel.title)}", query ${String(t.refId ?? '?')}`,
          usage,
          printedLabels: legend.map((label) => ({ label, in: 'legend' })),
        });
      }
    }
  }
  return uses;
}

function variableSamples(dash: Json, jobs: string[]): Record<string, string> {
  const list = isObj(dash.templating) && Array.isArray(dash.templating.list) ? dash.templating.list.filter(isObj) : [];
  const samples: Record<string, string> = {};
  for (const v of list) {
    if (typeof v.name !== 'string') continue;
    const options = v.type === 'custom' && typeof v.query === 'string' ? customOptions(v.query) : [];
    if (v.type === 'interval') samples[v.name] = '5m';
    else samples[v.name] = (options.length ? options : jobs).join('|') || 'none';
  }
  return samples;
}
