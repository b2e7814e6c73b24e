/** alerts/dashboard-url: a dashboard_url annotation opens a dashboard the stack provisions. */
import type { Check } from '../types';
import { alertRules, finding } from '../rules/lib';

/** `/d/<uid>` in a Grafana dashboard URL. */
const UID_IN_URL = /\/d\/([A-Za-z0-9_-]+)/;

export const dashboardUrl: Check = {
  id: 'alerts/dashboard-url',
  description: 'dashboard_url annotations point at a provisioned dashboard uid',
  severity: 'error',
  target: 'rules',
  explain:
    'The notification templates link each alert to its dashboard_url. A link to a uid the stack does not provision ' +
    '(a renamed dashboard, one the stack leaves out with dashboards.include) opens "Dashboard not found" in the middle ' +
    'of an incident. The check reads the uid from the /d/<uid> part of the URL and looks for it among the rendered ' +
    'dashboards.',
  run(ctx) {
    const uids = new Set(ctx.dashboards.map((d) => d.json?.uid).filter((u): u is string => typeof u === 'string'));
    return alertRules(ctx).flatMap((r) => {
      const url = r.rule.annotations?.dashboard_url;
      if (url === undefined) return [];
      const uid = UID_IN_URL.exec(url)?.[1];
      if (uid && uids.has(uid)) return [];
      return [finding(r, `dashboard_url ${JSON.stringify(url)} ${uid ? `names uid "${uid}", which the stack does not provision` : 'has no /d/<uid>'}; expected one of: ${[...uids].sort().join(', ') || '(no dashboards)'}`)];
    });
  },
};
