/**
 * LogQL reads only fields its log sources have: a label filter, `by` clause or legend naming a field is checked
 * against what the selected jobs' pipelines provide (stream labels and structured metadata, src/logs/pipeline.ts)
 * plus what the query's own parser stages extract (`| json a="x"`, `| logfmt a`, `| regexp "(?P<a>…)"`). After a
 * parser without parameters (`| json`, `| logfmt`, `| unpack`, `| pattern`) or `| label_format` the fields depend
 * on each line, so nothing after it is judged.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import type { Check, Finding } from '../types';
import { pinnedJobs } from '../../promql';
import { regexGroups } from '../../logs/pipeline';
import { dashboardQueries, QueryRef } from './scope';
import { concreteQuery } from './queries';
import { variableSamples } from './variables';
import { logMetadata, logStreamLabels } from './log-labels';
import { str } from './json';

const LEGEND_REF = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Set by Loki itself on every line a stage fails on. */
const BUILT_IN = new Set(['__error__', '__error_details__', '__line__', '__stream_shard__']);

interface Fields {
  /** Undefined once a stage made the fields depend on each line. */
  known?: Set<string>;
  jobs: string[];
}

export const logFields: Check = {
  id: 'dashboards/log-fields',
  description: 'LogQL label filters, `by` clauses and legends name fields the selected log sources or the query\'s parser provide',
  severity: 'error',
  target: 'dashboards',
  explain:
    'A label filter on a field the lines do not have drops every line; `by` or a legend on it shows one unnamed ' +
    "series. Each log source's format and field mapping (logs.sources[].format, fields, labelFields, " +
    'metadataFields) say which fields are stream labels or structured metadata; any other needs a parser stage in ' +
    'the query. The log dashboard builds its queries from the same mapping (src/logs/queries.ts).',
  run(ctx) {
    const available = jobFields(ctx.stack);
    return dashboardQueries(ctx).queries.filter((q) => q.ds?.type === 'loki').flatMap((q) => queryFindings(q, available));
  },
};

/** Log job → the fields its lines carry before any parser: stream labels and structured metadata. */
function jobFields(stack: Parameters<typeof logStreamLabels>[0]): Map<string, Set<string>> {
  const metadata = logMetadata(stack);
  return new Map([...logStreamLabels(stack)].map(([job, labels]) => [job, new Set([...labels, ...(metadata.get(job) ?? [])])]));
}

function queryFindings(q: QueryRef, available: Map<string, Set<string>>): Finding[] {
  const expr = concreteQuery(q.expr, variableSamples(q.doc.json));
  const tree = logqlParser.parse(expr);
  let errors = false;
  tree.iterate({ enter: (r) => void (r.type.isError && (errors = true)) });
  if (errors) return []; // dashboards/query-parses
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const out: Finding[] = [];
  const finals: Fields[] = [];
  let current: Fields | undefined;
  const miss = (name: string, where: string, f: Fields) =>
    out.push({ file: q.doc.file, subject: q.subject, message: `${where} "${name}", which log job ${f.jobs.join('|')} does not provide; expected one of: ${[...(f.known ?? [])].sort().join(', ')}, or a parser stage that extracts it` });
  tree.iterate({
    enter: (ref) => {
      if (ref.name === 'Selector') {
        current = selectorFields(ref.node, text, available);
        if (current) finals.push(current);
        return false;
      }
      if (ref.name !== 'PipelineStage' || !current) return undefined;
      stageFields(ref.node, text, current, miss);
      return undefined;
    },
  });
  for (const name of outputNames(tree.topNode, text, str(q.target.legendFormat) ?? '')) {
    const f = finals.find((x) => x.known && !x.known.has(name) && !BUILT_IN.has(name));
    if (f && finals.every((x) => x.known)) miss(name, 'groups or labels by', f);
  }
  return out;
}

/** The fields of the jobs a stream selector picks (every picked job has them), or undefined for unknown jobs. */
function selectorFields(selector: SyntaxNode, text: (n: SyntaxNode) => string, available: Map<string, Set<string>>): Fields | undefined {
  const matchers: { label: string; op: string; value: string }[] = [];
  for (const m of descendants(selector, 'Matcher')) {
    const [id, op, value] = [m.getChild('Identifier'), m.getChild('Eq') ?? m.getChild('Re') ?? m.getChild('Neq') ?? m.getChild('Nre'), m.getChild('String')];
    if (id && op && value) matchers.push({ label: text(id), op: text(op), value: unquote(text(value)) });
  }
  const jobs = (pinnedJobs(matchers) ?? [...available.keys()]).filter((j) => available.has(j));
  if (jobs.length === 0) return undefined; // dashboards/log-jobs-shipped
  const sets = jobs.map((j) => available.get(j) as Set<string>);
  return { jobs, known: new Set([...sets[0]].filter((x) => sets.every((s) => s.has(x)))) };
}

/** Applies one pipeline stage: a parser adds the fields it extracts, a label filter must name known ones. */
function stageFields(stage: SyntaxNode, text: (n: SyntaxNode) => string, f: Fields, miss: (name: string, where: string, f: Fields) => void): void {
  const node = stage.lastChild;
  if (!node || !f.known) return;
  const add = (names: string[]) => names.forEach((n) => f.known?.add(n));
  if (node.name === 'JsonExpressionParser' || node.name === 'LogfmtExpressionParser') {
    add(descendants(node, 'LabelExtractionExpression').flatMap((e) => (e.getChild('Identifier') ? [text(e.getChild('Identifier') as SyntaxNode)] : [])));
  } else if (node.name === 'LabelParser') {
    const pattern = node.getChild('String');
    if (node.getChild('Regexp') && pattern) add(regexGroups(unquote(text(pattern))));
    else if (node.getChild('Pattern') && pattern) add([...unquote(text(pattern)).matchAll(/<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]).filter((n) => n !== '_'));
    else f.known = undefined;
  } else if (node.name === 'LogfmtParser' || node.name === 'LabelFormatExpr') {
    f.known = undefined;
  } else if (node.name === 'LabelFilter') {
    for (const id of descendants(node, 'Identifier')) {
      if (!f.known.has(text(id)) && !BUILT_IN.has(text(id))) miss(text(id), 'filters on', f);
    }
  }
}

/** Names the result is grouped by (`by (…)`) or labelled with in the legend. */
function outputNames(top: SyntaxNode, text: (n: SyntaxNode) => string, legend: string): Set<string> {
  const names = new Set([...legend.matchAll(LEGEND_REF)].map((m) => m[1]));
  for (const g of descendants(top, 'Grouping')) {
    if (g.getChild('By')) descendants(g, 'Identifier').forEach((id) => names.add(text(id)));
  }
  return names;
}

function descendants(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = node.cursor();
  const end = node.to;
  while (cursor.next() && cursor.from < end) if (cursor.name === name) out.push(cursor.node);
  return out;
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
}
