/** PromQL helpers on the official Prometheus lezer grammar: syntax errors, selectors, metric names. */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { MATCHER_PATTERN } from './schema';

export interface Selector {
  metric?: string;
  matchers: Array<{ label: string; op: string; value: string }>;
}

export interface ParsedPromQL {
  /** Empty when the expression parses. */
  errors: string[];
  selectors: Selector[];
}

/** Parses an expression; syntax errors name the offending column and text. */
export function parsePromQL(expr: string): ParsedPromQL {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: Selector[] = [];
  if (expr.trim() === '') errors.push('empty expression');
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        const near = expr.slice(ref.from, ref.from + 12);
        errors.push(
          ref.from >= expr.length
            ? 'unexpected end of expression'
            : `syntax error at column ${ref.from + 1} near ${JSON.stringify(near)}`,
        );
        return false;
      }
      if (ref.name === 'VectorSelector') selectors.push(readSelector(ref.node, expr));
      return undefined;
    },
  });
  return { errors: [...new Set(errors)], selectors };
}

function readSelector(node: SyntaxNode, expr: string): Selector {
  const text = (n: SyntaxNode | null) => (n ? expr.slice(n.from, n.to) : '');
  const sel: Selector = { matchers: [] };
  const ident = node.getChild('Identifier');
  if (ident) sel.metric = text(ident);
  const matchers = node.getChild('LabelMatchers');
  if (matchers) {
    for (let child = matchers.firstChild; child; child = child.nextSibling) {
      const label = child.getChild('LabelName') ?? child.getChild('QuotedLabelName');
      const op = child.getChild('MatchOp');
      const value = child.getChild('StringLiteral');
      if (!op || !value) {
        // A bare quoted metric name: {"metric.name"}.
        const quoted = child.getChild('QuotedLabelName');
        if (quoted) sel.metric = unquote(text(quoted));
        continue;
      }
      const name = label ? unquote(text(label)) : '';
      const v = unquote(text(value));
      if (name === '__name__' && text(op) === '=') sel.metric = v;
      else sel.matchers.push({ label: name, op: text(op), value: v });
    }
  }
  return sel;
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  if (s.startsWith('"') || s.startsWith("'")) {
    try {
      return JSON.parse('"' + s.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"').replace(/\\\\"/g, '\\"') + '"');
    } catch {
      return s.slice(1, -1);
    }
  }
  return s;
}

/** Job names an expression pins with `job="x"` or `job=~"a|b"` (alternations of literal names). */
export function referencedJobs(expr: string): string[] {
  return [...new Set(parsePromQL(expr).selectors.flatMap((sel) => pinnedJobs(sel.matchers) ?? []))];
}

/** Metric names an expression reads (from selectors naming a metric). */
export function referencedMetrics(expr: string): string[] {
  return [...new Set(parsePromQL(expr).selectors.map((s) => s.metric).filter((m): m is string => !!m))];
}

/** `job="a"` or `job=~"a|b"` for a list of jobs. */
export function jobMatcher(jobs: readonly string[]): string {
  return jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${[...jobs].sort().join('|')}"`;
}

/** Builds `metric{m1,m2}` from a metric and matcher fragments, skipping empty ones. */
export function selector(metric: string, ...matchers: Array<string | undefined>): string {
  const parts = matchers.map((m) => m?.trim()).filter((m): m is string => !!m);
  return parts.length ? `${metric}{${parts.join(',')}}` : metric;
}

/** Splits an Alertmanager matcher (`label="value"`, also `!=`, `=~`, `!~`) into its parts. */
export function parseMatcher(text: string): { label: string; op: string; value: string } | undefined {
  const m = MATCHER_PATTERN.exec(text);
  return m ? { label: m[1], op: m[2], value: JSON.parse(`"${m[3]}"`) as string } : undefined;
}

/** The jobs a selector's `job` matcher pins (`=`, or `=~` over a plain alternation), or undefined when unrestricted. */
export function pinnedJobs(matchers: ReadonlyArray<{ label: string; op: string; value: string }>): string[] | undefined {
  // Several job matchers (`{job=~"$job", job=~"a|b"}`) all hold: the jobs are those every one of them pins.
  const lists = matchers.filter((x) => x.label === 'job').map(jobsOf).filter((l): l is string[] => l !== undefined);
  if (lists.length === 0) return undefined;
  return lists.reduce((a, b) => a.filter((j) => b.includes(j)));
}

function jobsOf(m: { op: string; value: string }): string[] | undefined {
  if (m.op === '=') return [m.value];
  if (m.op !== '=~') return undefined;
  const plain = /^\(?([A-Za-z0-9_.:-]+(\|[A-Za-z0-9_.:-]+)*)\)?$/.exec(m.value);
  return plain ? plain[1].split('|') : undefined;
}
