/**
 * The dashboard checks (src/checks/dashboards/) on dashboard file texts alone, one report per dashboard: for tests
 * and the README guide. `npm run check` runs them through the registry (src/checks/run.ts).
 */
import * as path from 'node:path';
import type { Stack } from './schema';
import type { CheckContext, DashboardEntry, Finding } from './checks/types';
import { readDashboards } from './checks/context';
import { dashboardFileChecks } from './checks/dashboards';
import { allPanels, isObj, str, targetsOf } from './checks/dashboards/json';
import { assumeDatasources } from './checks/dashboards/scope';
import { KnownDatasource, stackDatasources } from './checks/dashboards/datasources';

export { dashboardConfigProblems } from './checks/dashboards/config';
export type { ConfigProblem } from './checks/dashboards/config';
export { parseLogQL, parseLogQLSelectors, isLogQLMetricQuery } from './checks/dashboards/logql';
export { BUILTIN_VARIABLES, customOptions, substituteVariables, variablesUsed } from './checks/dashboards/variables';
export type { KnownDatasource };

export interface DashboardFile {
  /** Path relative to synth's `files/`. */
  file: string;
  text: string;
}

export interface DashboardReport {
  file: string;
  /** The dashboard title (the file name when the JSON cannot be read). */
  title: string;
  panels: number;
  queries: number;
  /** `<subject>: <message>` per finding. */
  problems: string[];
}

const entry = ({ file, text }: DashboardFile): DashboardEntry => {
  try {
    return { file, text, json: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { file, text };
  }
};

function reports(ctx: CheckContext, findings: Finding[]): DashboardReport[] {
  return ctx.dashboards.map((d) => {
    const json = isObj(d.json) ? d.json : undefined;
    const panels = allPanels(json?.panels);
    return {
      file: d.file,
      title: str(json?.title) || path.basename(d.file),
      panels: panels.length,
      queries: panels.flatMap(targetsOf).filter((t) => typeof t.expr === 'string').length,
      problems: findings.filter((f) => f.file === d.file).map((f) => `${f.subject}: ${f.message}`),
    };
  });
}

/** Runs the checks of the dashboard JSON on file texts (no synth output needed). Pure. */
export function checkDashboards(files: DashboardFile[], stack: Stack, datasources: KnownDatasource[] = stackDatasources(stack)): DashboardReport[] {
  const ctx: CheckContext = { stack, source: '', filesDir: '', rules: [], dashboards: files.map(entry) };
  assumeDatasources(ctx, datasources);
  return reports(ctx, dashboardFileChecks.flatMap((c) => c.run(ctx)));
}

/** Dashboard files under `<filesDir>/grafana/dashboards/`, sorted. */
export function readDashboardFiles(filesDir: string): DashboardFile[] {
  return readDashboards(filesDir).map(({ file, text }) => ({ file, text }));
}
