/** LogQL on Grafana's lezer grammar (@grafana/lezer-logql): syntax errors and the matchers of stream selectors. */
import { parser as logqlParser } from '@grafana/lezer-logql';
import type { SyntaxNodeRef } from '@lezer/common';
import { pinnedJobs } from '../../promql';

export interface StreamMatcher {
  label: string;
  op: string;
  value: string;
}

export interface ParsedLogQL {
  /** Empty when the expression parses. */
  errors: string[];
  /** The jobs each stream selector pins (selectors that pin none are left out). */
  jobSelections: string[][];
  /** The matchers of every stream selector (label filters after a pipe are not stream selection). */
  selectors: StreamMatcher[][];
}

export function parseLogQLSelectors(expr: string): ParsedLogQL {
  const errors: string[] = [];
  const selectors: StreamMatcher[][] = [];
  if (expr.trim() === '') errors.push('empty expression');
  logqlParser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        errors.push(
          ref.from >= expr.length ? 'unexpected end of expression' : `syntax error at column ${ref.from + 1} near ${JSON.stringify(expr.slice(ref.from, ref.from + 12))}`,
        );
        return false;
      }
      if (ref.name === 'Selector') selectors.push(selectorMatchers(ref, expr));
      return undefined; // descend on: syntax errors inside the selector count too
    },
  });
  const jobSelections = selectors.map((m) => pinnedJobs(m)).filter((j): j is string[] => !!j);
  return { errors: [...new Set(errors)], jobSelections, selectors };
}

function selectorMatchers(ref: SyntaxNodeRef, expr: string): StreamMatcher[] {
  const text = (from: number, to: number) => expr.slice(from, to);
  const matchers: StreamMatcher[] = [];
  ref.node.cursor().iterate((m) => {
    if (m.name !== 'Matcher') return undefined;
    const id = m.node.getChild('Identifier');
    const str = m.node.getChild('String');
    const op = m.node.getChild('Eq') ?? m.node.getChild('Re') ?? m.node.getChild('Neq') ?? m.node.getChild('Nre');
    if (id && str && op) matchers.push({ label: text(id.from, id.to), op: text(op.from, op.to), value: unquote(text(str.from, str.to)) });
    return false;
  });
  return matchers;
}

function unquote(value: string): string {
  if (value.startsWith('`')) return value.slice(1, -1);
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1);
  }
}

/** LogQL syntax errors from Grafana's lezer grammar. */
export function parseLogQL(expr: string): string[] {
  return parseLogQLSelectors(expr).errors;
}

/** True when a LogQL expression yields numbers (a metric query such as `count_over_time`), not log lines. */
export function isLogQLMetricQuery(expr: string): boolean {
  return logqlParser.parse(expr).topNode.firstChild?.firstChild?.name === 'MetricExpr';
}
