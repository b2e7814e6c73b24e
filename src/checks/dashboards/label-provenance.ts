import type { Check, Finding } from '../types';
import type { SelectorUse } from '../../contract/usage';
import { pinnedJobs } from '../../promql';
import { dashboardQueries, promqlOf, QueryRef, usageOf } from './scope';
import { concreteQuery } from './queries';
import { variableSamples } from './variables';
import { SeriesDef, seriesDefinitions } from './series';
import { parseLogQLSelectors } from './logql';
import { logStreamLabels } from './log-labels';
import { str } from './json';

/** `{{x}}` in a Grafana legend. */
const LEGEND_REF = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const labelProvenance: Check = {
  id: 'dashboards/label-provenance',
  description: 'labels in by/on clauses, matchers, legends and LogQL stream selectors are ones the metric or log stream carries',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Grouping by a label the series do not carry puts everything in one unnamed series; a legend {{x}} of a missing ' +
    'label prints nothing; a matcher or stream selector on a missing label matches nothing. The stack knows the ' +
    "labels: a metric's family labels (metrics/families.ts) under the target's label mapping, plus job, instance " +
    "and the target's labels; a log stream's job, filename, its source's labels and the JSON pipeline's labels.",
  run(ctx) {
    const defs = seriesDefinitions(ctx.stack);
    const logs = logStreamLabels(ctx.stack);
    return dashboardQueries(ctx).queries.flatMap((q) => {
      if (q.ds?.type === 'prometheus') return promqlLabels(q, defs);
      if (q.ds?.type === 'loki') return logqlLabels(q, logs);
      return [];
    });
  },
};

/** Labels a selector's series carry on the jobs it selects; undefined when no job provides the metric. */
function carried(sel: SelectorUse, defs: Map<string, SeriesDef[]>): Set<string> | undefined {
  const jobs = pinnedJobs(sel.matchers);
  const found = (defs.get(sel.metric) ?? []).filter((d) => !jobs || jobs.includes(d.job));
  return found.length ? new Set(['__name__', ...found.flatMap((d) => [...d.labels])]) : undefined;
}

/** A matcher that also matches a missing label (`x=""`, `x=~".*"`) asks for its absence: not a use. */
const matchesEmpty = (op: string, value: string) => (op === '=' || op === '=~' ? new RegExp(`^(?:${value})$`).test('') : !new RegExp(`^(?:${value})$`).test(''));

function promqlLabels(q: QueryRef, defs: Map<string, SeriesDef[]>): Finding[] {
  const usage = usageOf(q);
  if (!usage) return []; // dashboards/query-parses
  const out: Finding[] = [];
  const add = (message: string) => out.push({ file: q.doc.file, subject: q.subject, message });
  const all = new Set<string>();
  // A selector by name pattern ({__name__=~"a|b"}, how targets that export differently are queried) is not judged.
  let unknown = promqlOf(q).parsed.selectors.some((s) => !s.metric);
  for (const sel of usage.selectors) {
    const has = carried(sel, defs);
    if (!has) {
      unknown = true; // dashboards/metric-provenance
      continue;
    }
    has.forEach((l) => all.add(l));
    const uses = [
      ...sel.matchers.filter((m) => !safeMatchesEmpty(m.op, m.value)).map((m) => ({ label: m.label, clause: `matcher ${m.label}${m.op}"${m.value}"` })),
      ...sel.grouping.map((g) => ({ label: g.label, clause: `${g.clause} (${g.label})` })),
    ];
    for (const u of uses.filter((x) => !has.has(x.label))) {
      add(`label "${u.label}" in ${u.clause} is not a label of ${sel.metric}; expected one of: ${[...has].filter((l) => l !== '__name__').sort().join(', ')}`);
    }
  }
  const legend = str(q.target.legendFormat) ?? '';
  for (const label of new Set([...legend.matchAll(LEGEND_REF)].map((m) => m[1]))) {
    const keeps = usage.resultKeeps;
    if (keeps?.only && !keeps.only.includes(label)) add(`legend {{${label}}}: the outermost aggregation keeps ${keeps.only.length ? `only ${keeps.only.join(', ')}` : 'no labels'}; expected a label it keeps`);
    else if (keeps?.except?.includes(label)) add(`legend {{${label}}}: the outermost aggregation removes it (without ${keeps.except.join(', ')})`);
    else if (!keeps?.only && !unknown && !all.has(label)) add(`legend {{${label}}}: no series of the query carries it; expected one of: ${[...all].filter((l) => l !== '__name__').sort().join(', ')}`);
  }
  return out;
}

function safeMatchesEmpty(op: string, value: string): boolean {
  try {
    return matchesEmpty(op, value);
  } catch {
    return false; // not a JavaScript regex: judge the label as used
  }
}

function logqlLabels(q: QueryRef, logs: Map<string, Set<string>>): Finding[] {
  const parsed = parseLogQLSelectors(concreteQuery(q.expr, variableSamples(q.doc.json)));
  if (parsed.errors.length) return [];
  const out: Finding[] = [];
  for (const matchers of parsed.selectors) {
    const jobs = pinnedJobs(matchers) ?? [...logs.keys()];
    const labels = new Set(jobs.flatMap((j) => [...(logs.get(j) ?? [])]));
    if (labels.size === 0) continue; // dashboards/log-jobs-shipped
    for (const m of matchers.filter((x) => !labels.has(x.label) && !safeMatchesEmpty(x.op, x.value))) {
      const message = `stream selector label "${m.label}" is not a label of log job ${jobs.join('|')}; expected one of: ${[...labels].sort().join(', ')}`;
      out.push({ file: q.doc.file, subject: q.subject, message });
    }
  }
  return out;
}
