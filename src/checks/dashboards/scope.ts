/**
 * What the dashboard checks share, computed once per check run: the parsed dashboards, the datasources they may
 * use, the series each scrape job provides, and every query with its resolved datasource.
 */
import * as path from 'node:path';
import type { CheckContext } from '../types';
import { providedSeries } from '../../metrics';
import { ParsedPromQL, parsePromQL } from '../../promql';
import { analyzeExpr, ExprUsage } from '../../contract/usage';
import { concreteQuery } from './queries';
import { variableSamples } from './variables';
import { allPanels, isObj, Json, panelName, str, targetsOf } from './json';
import { KnownDatasource, provisionedDatasources, Resolved, resolveDatasource, stackDatasources } from './datasources';

export interface DashboardDoc {
  file: string;
  json: Json;
  /** The title (the file name when it has none). */
  title: string;
}

export interface QueryRef {
  doc: DashboardDoc;
  panel: Json;
  target: Json;
  expr: string;
  /** `dashboard "T": panel "P", query A`. */
  subject: string;
  /** The datasource the query runs on, when known. */
  ds?: KnownDatasource;
}

const memo = new WeakMap<CheckContext, Map<string, unknown>>();

function once<T>(ctx: CheckContext, key: string, make: () => T): T {
  let m = memo.get(ctx);
  if (!m) memo.set(ctx, (m = new Map()));
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}

/** The dashboards that parse as JSON objects (`dashboards/query-parses` reports the others). */
export const dashboardDocs = (ctx: CheckContext): DashboardDoc[] =>
  once(ctx, 'docs', () =>
    ctx.dashboards
      .filter((d) => isObj(d.json))
      .map((d) => ({ file: d.file, json: d.json as Json, title: str(d.json!.title) || path.basename(d.file) })),
  );

export const dashboardSubject = (doc: DashboardDoc) => `dashboard "${doc.title}"`;
export const panelSubject = (doc: DashboardDoc, panel: Json) => `${dashboardSubject(doc)}: ${panelName(panel)}`;

/** Judges the dashboards of `ctx` against these datasources instead of synth's provisioning files. */
export function assumeDatasources(ctx: CheckContext, list: KnownDatasource[]): void {
  once(ctx, 'datasources', () => new Map(list.map((d) => [d.uid, d])));
}

export const knownDatasources = (ctx: CheckContext): Map<string, KnownDatasource> =>
  once(ctx, 'datasources', () => new Map((provisionedDatasources(ctx.filesDir) ?? stackDatasources(ctx.stack)).map((d) => [d.uid, d])));

/** Series name → the scrape jobs that provide it. */
export const provided = (ctx: CheckContext): Map<string, string[]> => once(ctx, 'provided', () => providedSeries(ctx.stack));

export interface DatasourceUse {
  file: string;
  subject: string;
  resolved: Resolved;
}

/** Every query of every dashboard, and every datasource reference of panels and queries with what it resolves to. */
export const dashboardQueries = (ctx: CheckContext): { queries: QueryRef[]; refs: DatasourceUse[] } =>
  once(ctx, 'queries', () => {
    const known = knownDatasources(ctx);
    const queries: QueryRef[] = [];
    const refs: DatasourceUse[] = [];
    for (const doc of dashboardDocs(ctx)) {
      for (const panel of allPanels(doc.json.panels)) {
        const panelDs = resolveDatasource(panel.datasource, doc.json, known);
        refs.push({ file: doc.file, subject: panelSubject(doc, panel), resolved: panelDs });
        for (const target of targetsOf(panel)) {
          const subject = `${panelSubject(doc, panel)}, query ${str(target.refId) ?? '?'}`;
          // A query naming its panel's datasource again is judged (and reported) with the panel.
          const own = target.datasource !== undefined && !sameRef(target.datasource, panel.datasource);
          const resolved = own ? resolveDatasource(target.datasource, doc.json, known) : panelDs;
          if (own) refs.push({ file: doc.file, subject, resolved });
          const expr = str(target.expr);
          if (expr !== undefined) queries.push({ doc, panel, target, expr, subject, ds: resolved.ds });
        }
      }
    }
    return { queries, refs };
  });

const perQuery = new WeakMap<QueryRef, { promql?: { concrete: string; parsed: ParsedPromQL }; usage?: ExprUsage | null }>();
const cacheOf = (q: QueryRef) => perQuery.get(q) ?? (perQuery.set(q, {}), perQuery.get(q)!);

/** The query with its variables replaced by samples, parsed once per run (several checks read the same query). */
export function promqlOf(q: QueryRef): { concrete: string; parsed: ParsedPromQL } {
  const cache = cacheOf(q);
  if (!cache.promql) {
    const concrete = concreteQuery(q.expr, variableSamples(q.doc.json));
    cache.promql = { concrete, parsed: parsePromQL(concrete) };
  }
  return cache.promql;
}

/** Selectors with their grouping and functions (src/contract/usage.ts); undefined when the query does not parse. */
export function usageOf(q: QueryRef): ExprUsage | undefined {
  const cache = cacheOf(q);
  if (cache.usage === undefined) {
    const { concrete, parsed } = promqlOf(q);
    cache.usage = (parsed.errors.length ? undefined : analyzeExpr(concrete)) ?? null;
  }
  return cache.usage ?? undefined;
}

const sameRef = (a: unknown, b: unknown) => isObj(a) && isObj(b) && a.uid === b.uid && a.type === b.type;
