/** Which datasource types a dashboard's queries use, and its variables by name: shared by the variable checks. */
import type { CheckContext } from '../types';
import { Json, str, templatingList } from './json';
import { DashboardDoc, dashboardQueries } from './scope';
import { parsePromQL } from '../../promql';
import { BUILTIN_SAMPLES, substituteVariables, variableSamples } from './variables';

/** Per dashboard file, the datasource types its queries run on. */
export function queriedTypes(ctx: CheckContext): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const q of dashboardQueries(ctx).queries) {
    if (!q.ds) continue;
    if (!out.has(q.doc.file)) out.set(q.doc.file, new Set());
    out.get(q.doc.file)!.add(q.ds.type);
  }
  return out;
}

export const variableNamed = (doc: DashboardDoc, name: string): Json | undefined => templatingList(doc.json).find((v) => str(v.name) === name);

/** Problems of a variable the dashboard must offer as a multi-select with "All" (dashboard-linter's checkTemplate). */
export function multiSelectProblems(doc: DashboardDoc, name: string, why: string): string[] {
  const v = variableNamed(doc, name);
  if (!v) return [`has no "${name}" variable; expected one (${why})`];
  const out: string[] = [];
  if (v.multi !== true) out.push(`variable "${name}" is not multi-select; expected multi: true`);
  if (v.includeAll !== true) out.push(`variable "${name}" offers no "All"; expected includeAll: true`);
  return out;
}

/**
 * Dashboards whose Prometheus queries read only recorded series (`level:metric:operations`, e.g. the SLO
 * dashboard's `slo:burn_rate:…`): those carry the recording rule's labels (`slo`), not one scrape target's, so a
 * job or instance variable would have nothing to narrow.
 */
export function readsOnlyRecordedSeries(ctx: CheckContext, file: string): boolean {
  const names = dashboardQueries(ctx)
    .queries.filter((q) => q.doc.file === file && q.ds?.type === 'prometheus')
    .flatMap((q) => parsePromQL(substituteVariables(q.expr, variableSamples(q.doc.json), BUILTIN_SAMPLES)).selectors.map((s) => s.metric ?? ''));
  return names.length > 0 && names.every((n) => n.includes(':'));
}
