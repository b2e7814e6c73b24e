/**
 * `dashboard_url` on the catalog's alerts: the Grafana panel that shows what an alert watches, so a notification
 * (src/render/notification-templates.ts, "Dashboard") opens the graph of the firing metric. The panel is the one of
 * the stack's rendered dashboards, in menu order, that reads the alert's first metric (a ratio's numerator, a
 * latency's `_bucket`, a gauge's metric) and most of its other metrics. The URL is static (`$labels`-free): the
 * stack's Grafana address, `d/<uid>`, and `viewPanel=panel-<id>`, the key Grafana 12 gives a panel
 * (public/app/features/dashboard-scene/utils/utils.ts `getVizPanelKeyForPanelId`). No time range: an annotation
 * cannot carry when the alert started, so the dashboard's own range (ending now) is the useful one. An alert with no
 * such panel, or a stack whose Grafana has no address users reach (no `externalUrl`, not published), gets none; an
 * override's own `dashboard_url` stays.
 */
import type { Stack } from '../schema';
import type { AlertRule, RuleGroup } from '../alerts';
import { CATALOG } from '../../alert-rules/catalog';
import { referencedMetrics } from '../promql';
import { externalUrl } from '../links';
import { alertExpr } from './rules';
import type { BuiltDashboard } from './dashboards';

/** A panel of a rendered dashboard and the metrics its PromQL queries read. */
export interface PanelMetrics {
  uid: string;
  panelId: number;
  metrics: Set<string>;
}

type PanelJson = { id?: unknown; type?: unknown; panels?: unknown; targets?: unknown; datasource?: { type?: unknown } };

/** Grafana's interval variables stand where a duration goes; a sample makes the query parse. */
const parsable = (expr: string) => expr.replace(/\$\{?__(?:rate_)?interval\}?|\$\{?__range\}?/g, '5m');

function panelsOf(panels: unknown): PanelJson[] {
  return Array.isArray(panels) ? (panels as PanelJson[]).flatMap((p) => [p, ...panelsOf(p.panels)]) : [];
}

/** Every Prometheus panel of the dashboards, in menu and panel order. */
export function dashboardPanelMetrics(dashboards: BuiltDashboard[]): PanelMetrics[] {
  return dashboards.flatMap((d) =>
    panelsOf((d.json as { panels?: unknown }).panels).flatMap((p) => {
      if (p.type === 'row' || typeof p.id !== 'number' || p.datasource?.type !== 'prometheus' || !Array.isArray(p.targets)) return [];
      const exprs = (p.targets as Array<{ expr?: unknown }>).map((t) => t.expr).filter((e): e is string => typeof e === 'string');
      return [{ uid: d.uid, panelId: p.id, metrics: new Set(exprs.flatMap((e) => referencedMetrics(parsable(e)))) }];
    }),
  );
}

/** The panel that shows an expression's first metric and most of the others, or undefined. */
export function panelFor(expr: string, panels: PanelMetrics[]): PanelMetrics | undefined {
  const [primary, ...rest] = referencedMetrics(expr);
  if (!primary) return undefined;
  let best: PanelMetrics | undefined;
  let bestScore = -1;
  for (const p of panels) {
    if (!p.metrics.has(primary)) continue;
    const score = rest.filter((m) => p.metrics.has(m)).length;
    if (score > bestScore) [best, bestScore] = [p, score];
  }
  return best;
}

/** `<grafana>/d/<uid>?viewPanel=panel-<id>` under the stack's Grafana address (with or without a trailing slash). */
export const panelUrl = (grafanaUrl: string, panel: Pick<PanelMetrics, 'uid' | 'panelId'>): string =>
  `${grafanaUrl.replace(/\/?$/, '/')}d/${panel.uid}?viewPanel=panel-${panel.panelId}`;

const CATALOG_GROUPS = new Set(Object.keys(CATALOG));

/** The groups with `dashboard_url` added to each catalog alert that has a panel (see the module comment). */
export function linkDashboards(stack: Stack, groups: RuleGroup[], dashboards: BuiltDashboard[]): RuleGroup[] {
  const grafanaUrl = externalUrl(stack, 'grafana');
  if (!grafanaUrl) return groups;
  const panels = dashboardPanelMetrics(dashboards);
  const link = (rule: AlertRule): AlertRule => {
    if (rule.annotations?.dashboard_url !== undefined) return rule;
    const panel = panelFor(alertExpr(rule), panels);
    return panel ? { ...rule, annotations: { ...(rule.annotations ?? {}), dashboard_url: panelUrl(grafanaUrl, panel) } } : rule;
  };
  return groups.map((g) => (CATALOG_GROUPS.has(g.name) ? { ...g, rules: g.rules.map(link) } : g));
}
