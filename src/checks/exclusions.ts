/**
 * The stack's reasoned exclusions (`checks.exclude`): which findings they silence, and their own validation (a
 * known check id, not a config check; the schema requires the reason).
 */
import type { CheckExclusionConfig, Stack } from '../schema';
import type { Check, Finding } from './types';
import type { Add } from './config/lib';

/** Whether an exclusion covers a finding of its check: every scope it names must match the finding. */
export function excludes(e: CheckExclusionConfig, checkId: string, f: Finding): boolean {
  if (e.check !== checkId) return false;
  if (e.alert !== undefined && f.subject !== e.alert) return false;
  const scope = dashboardScope(f);
  if (e.dashboard !== undefined && scope.uid !== e.dashboard) return false;
  if (e.panel !== undefined && scope.panel !== e.panel) return false;
  return true;
}

/**
 * A dashboard finding's uid, from its file (`grafana/dashboards/<folder>/<uid>.json`, src/render/dashboards.ts), and
 * panel title, from its subject (`dashboard "<title>": panel "<panel>", query A`, src/checks/dashboards/scope.ts).
 */
export function dashboardScope(f: Finding): { uid?: string; panel?: string } {
  const uid = /^grafana\/dashboards\/(?:.*\/)?([^/]+)\.json$/.exec(f.file)?.[1];
  const panel = /^dashboard "(?:[^"\\]|\\.)*": panel "((?:[^"\\]|\\.)*)"/.exec(f.subject)?.[1];
  return { uid, panel };
}

/** Problems of `checks.exclude`: unknown ids (listing the known ones) and config checks, which cannot be excluded. */
export function checkExclusions(stack: Stack, checks: readonly Check[], add: Add): void {
  const byId = new Map(checks.map((c) => [c.id, c]));
  stack.checks.exclude.forEach((e, i) => {
    const check = byId.get(e.check);
    const where = ['checks', 'exclude', i, 'check'];
    if (!check) add(where, `unknown check "${e.check}"; expected one of: ${checks.filter((c) => c.target !== 'config').map((c) => c.id).join(', ')}`);
    else if (check.target === 'config') add(where, `"${e.check}" validates the config itself and cannot be excluded; fix the config instead`);
  });
}
