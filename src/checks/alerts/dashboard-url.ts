/** alerts/dashboard-url: a dashboard_url annotation opens a dashboard the stack provisions. */
import type { Check, DashboardEntry } from '../types';
import { alertRules, finding } from '../rules/lib';
import { allPanels } from '../dashboards/json';

/** `/d/<uid>` in a Grafana dashboard URL. */
const UID_IN_URL = /\/d\/([A-Za-z0-9_-]+)/;
/** `viewPanel=<id>` or Grafana 12's `viewPanel=panel-<id>` (dashboard-scene/utils/utils.ts `findVizPanelByKey`). */
const PANEL_IN_URL = /[?&]viewPanel=(?:panel-)?([^&#]*)/;

/** What is wrong with a dashboard_url, given the provisioned dashboards by uid; undefined when it resolves. */
export function dashboardUrlProblem(url: string, byUid: Map<string, DashboardEntry>): string | undefined {
  const uid = UID_IN_URL.exec(url)?.[1];
  const expected = `expected one of: ${[...byUid.keys()].sort().join(', ') || '(no dashboards)'}`;
  if (!uid) return `has no /d/<uid>; ${expected}`;
  const dashboard = byUid.get(uid);
  if (!dashboard) return `names uid "${uid}", which the stack does not provision; ${expected}`;
  const panel = PANEL_IN_URL.exec(url)?.[1];
  if (panel === undefined) return undefined;
  const ids = allPanels(dashboard.json?.panels).filter((p) => p.type !== 'row').map((p) => p.id);
  if (ids.some((id) => String(id) === panel)) return undefined;
  return `opens panel ${JSON.stringify(panel)}, which dashboard "${uid}" does not have; expected a panel id of ${dashboard.file}: ${ids.join(', ') || '(no panels)'}`;
}

export const dashboardUrl: Check = {
  id: 'alerts/dashboard-url',
  description: 'dashboard_url annotations point at a provisioned dashboard uid, and at a panel it has',
  severity: 'error',
  target: 'rules',
  explain:
    'The notification templates link each alert to its dashboard_url. A link to a uid the stack does not provision ' +
    '(a renamed dashboard, one the stack leaves out with dashboards.include) opens "Dashboard not found" in the middle ' +
    'of an incident, and a viewPanel= naming a panel the dashboard lacks opens an error instead of the graph. The ' +
    'check reads the uid from the /d/<uid> part of the URL and the panel id from viewPanel=, and looks for both ' +
    'among the rendered dashboards.',
  run(ctx) {
    const byUid = new Map(ctx.dashboards.flatMap((d) => (typeof d.json?.uid === 'string' ? [[d.json.uid, d] as const] : [])));
    return alertRules(ctx).flatMap((r) => {
      const url = r.rule.annotations?.dashboard_url;
      const problem = url === undefined ? undefined : dashboardUrlProblem(url, byUid);
      return problem ? [finding(r, `dashboard_url ${JSON.stringify(url)} ${problem}`)] : [];
    });
  },
};
