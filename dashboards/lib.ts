/**
 * Small helpers over the Grafana Foundation SDK builders shared by every dashboard module: datasource refs with the
 * stack's stable uids, typed query and panel shorthands, the `job` variable built from the stack config, and a
 * layout that numbers panels and places them row by row. Dashboards stay plain builder code; nothing here is JSON.
 */
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dash from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prom from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE_UIDS } from '../src/datasources';
import type { ConfigDashboardConfig, ConfigPanelConfig, Stack } from '../src/schema';
import { mapQuery } from '../src/mapping';
import { scrapeJobs } from '../src/jobs';

export type { Stack };
export type Dashboard = dash.Dashboard;

/** Every dashboard of the stack carries this tag; the dashboards link to each other through it. */
export const STACK_TAG = 'monitoring-stack';

/**
 * Panels query through a datasource variable per type (`${prometheus_datasource}`), preset to the stack's
 * provisioned datasource: a reader can point a dashboard at another Prometheus or Loki without editing it
 * (grafana/dashboard-linter lint/rule_template_datasource.go). `buildDashboard` adds the variables the panels use.
 */
export const DATASOURCE_VARIABLES = { prometheus: 'prometheus_datasource', loki: 'loki_datasource' } as const;
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLES.prometheus}}` };
export const LOKI: common.DataSourceRef = { type: 'loki', uid: `\${${DATASOURCE_VARIABLES.loki}}` };

/** Variables a panel written in config may use, per datasource type: config dashboards get exactly these. */
export const CONFIG_DASHBOARD_VARIABLES = { prometheus: ['job', 'instance'], loki: [] } as const;

/** A dashboard module (one per file in dashboards/). */
export interface DashboardDefinition {
  /** Grafana uid, stable across stacks: links and bookmarks use it. */
  uid: string;
  title: string;
  /** Grafana folder; also the directory under files/grafana/dashboards/. */
  folder: string;
  /** The dashboard for this stack, or undefined when the stack has nothing for it to show. */
  build(stack: Stack): Dashboard | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export interface PromQuery {
  kind: 'prometheus';
  expr: string;
  legend?: string;
  /** Ask Prometheus for exemplars (histograms whose observations carry trace ids). */
  exemplar?: boolean;
  instant?: boolean;
}

export interface LokiQuery {
  kind: 'loki';
  expr: string;
  legend?: string;
  maxLines?: number;
}

export type Query = PromQuery | LokiQuery;

export const promql = (expr: string, legend?: string, opts: { exemplar?: boolean; instant?: boolean } = {}): PromQuery => ({
  kind: 'prometheus',
  expr,
  legend,
  ...opts,
});

export const logql = (expr: string, legend?: string, opts: { maxLines?: number } = {}): LokiQuery => ({
  kind: 'loki',
  expr,
  legend,
  ...opts,
});

/** `sum by (<by>) (rate(<selector>[$__rate_interval]))`. */
export const sumRate = (selector: string, by: string[] = []): string =>
  `sum${by.length ? ` by (${by.join(', ')}) ` : ''}(rate(${selector}[$__rate_interval]))`;

/** `histogram_quantile(q, sum by (le, <by>) (rate(<histogram>_bucket{<matchers>}[$__rate_interval])))`. */
export const quantile = (q: number, histogram: string, matchers: string, by: string[] = []): string =>
  `histogram_quantile(${q}, ${sumRate(`${histogram}_bucket{${matchers}}`, ['le', ...by])})`;

/** p50/p95/p99 of a histogram, with exemplars. */
export const latencyQueries = (histogram: string, matchers: string, by: string[], legendPrefix: string): PromQuery[] =>
  [0.5, 0.95, 0.99].map((q) =>
    promql(quantile(q, histogram, matchers, by), `${legendPrefix}p${Math.round(q * 100)}`, { exemplar: true }),
  );

function target(q: Query, refId: string): cog.Builder<cog.Dataquery> {
  if (q.kind === 'prometheus') {
    const b = new prom.DataqueryBuilder().refId(refId).datasource(PROMETHEUS).expr(q.expr).editorMode(prom.QueryEditorMode.Code);
    if (q.legend !== undefined) b.legendFormat(q.legend);
    if (q.exemplar) b.exemplar(true);
    if (q.instant) b.instant();
    else b.range();
    return b;
  }
  const b = new loki.DataqueryBuilder().refId(refId).datasource(LOKI).expr(q.expr).editorMode(loki.QueryEditorMode.Code);
  if (q.legend !== undefined) b.legendFormat(q.legend);
  if (q.maxLines !== undefined) b.maxLines(q.maxLines);
  return b;
}

function refId(i: number): string {
  return String.fromCharCode(65 + i);
}

// ---------------------------------------------------------------------------------------------------------------
// Panels

export interface PanelOptions {
  description?: string;
  /** Grid width (of 24). */
  width?: number;
  height?: number;
  unit?: string;
  min?: number;
  max?: number;
}

/** A panel before layout: built by a builder, placed and numbered by `buildDashboard`. */
export type PanelSpec = cog.Builder<dash.Panel>;

function datasourceOf(queries: Query[]): common.DataSourceRef {
  const kinds = new Set(queries.map((q) => q.kind));
  if (kinds.size !== 1) throw new Error('a panel queries exactly one datasource');
  return kinds.has('loki') ? LOKI : PROMETHEUS;
}

export function timeseriesPanel(title: string, queries: Query[], opts: PanelOptions = {}): PanelSpec {
  const b = new timeseries.PanelBuilder()
    .title(title)
    .datasource(datasourceOf(queries))
    .targets(queries.map((q, i) => target(q, refId(i))))
    .span(opts.width ?? 12)
    .height(opts.height ?? 8)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).calcs([]))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  applyCommon(b, opts);
  return b;
}

/** Counts over time (log lines, events): bars. */
export function barsPanel(title: string, queries: Query[], opts: PanelOptions = {}): PanelSpec {
  const b = timeseriesPanel(title, queries, opts) as timeseries.PanelBuilder;
  return b
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(80)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
}

export function statPanel(title: string, queries: Query[], opts: PanelOptions & { mappings?: dash.ValueMapping[]; thresholds?: dash.Threshold[] } = {}): PanelSpec {
  const b = new stat.PanelBuilder()
    .title(title)
    .datasource(datasourceOf(queries))
    .targets(queries.map((q, i) => target(q, refId(i))))
    .span(opts.width ?? 6)
    .height(opts.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (opts.mappings) b.mappings(opts.mappings);
  if (opts.thresholds) b.thresholds(new dash.ThresholdsConfigBuilder().mode(dash.ThresholdsMode.Absolute).steps(opts.thresholds));
  applyCommon(b, opts);
  return b;
}

/** 1 = UP (green), 0 = DOWN (red). */
export function upStatPanel(title: string, expr: string, legend: string, opts: PanelOptions = {}): PanelSpec {
  return statPanel(title, [promql(expr, legend, { instant: true })], {
    // The value shows as UP/DOWN through the mappings; 'none' says the number itself has no unit.
    unit: 'none',
    ...opts,
    mappings: [
      {
        type: dash.MappingType.ValueToText,
        options: { '0': { text: 'DOWN', color: 'red', index: 0 }, '1': { text: 'UP', color: 'green', index: 1 } },
      },
    ],
    thresholds: [
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ],
  });
}

/** A logs panel; several queries (one per group of log sources read alike) show their lines together. */
export function logsPanel(title: string, query: LokiQuery | LokiQuery[], opts: PanelOptions = {}): PanelSpec {
  const queries = Array.isArray(query) ? query : [query];
  const b = new logs.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .targets(queries.map((q, i) => target(q, String.fromCharCode(65 + i))))
    .span(opts.width ?? 24)
    .height(opts.height ?? 12)
    .showTime(true)
    .showLabels(false)
    .wrapLogMessage(true)
    .prettifyLogMessage(false)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
  if (opts.description) b.description(opts.description);
  return b;
}

function applyCommon(b: timeseries.PanelBuilder | stat.PanelBuilder, opts: PanelOptions): void {
  if (opts.description) b.description(opts.description);
  if (opts.unit) b.unit(opts.unit);
  if (opts.min !== undefined) b.min(opts.min);
  if (opts.max !== undefined) b.max(opts.max);
}

/** A panel written in a stack's config (`dashboards.custom[].panels[]`), built with the helpers above. */
export function panelFromConfig(p: ConfigPanelConfig): PanelSpec {
  const opts: PanelOptions = { description: p.description, width: p.width, height: p.height, unit: p.unit, min: p.min, max: p.max };
  // Validation guarantees exactly one query, and LogQL for a logs panel.
  const query: Query = p.logql !== undefined ? logql(p.logql, p.legend) : promql(p.promql ?? '', p.legend);
  switch (p.type) {
    case 'logs':
      return logsPanel(p.title, query as LokiQuery, opts);
    case 'stat':
      return statPanel(p.title, [query], opts);
    case 'bars':
      return barsPanel(p.title, [query], opts);
    default:
      return timeseriesPanel(p.title, [query], opts);
  }
}

/** The jobs the `job` variable of a config dashboard offers: every scrape job of the stack. */
export const configDashboardJobs = (stack: Stack): string[] => scrapeJobs(stack).map((j) => j.job);

/** A dashboard written in a stack's config (`dashboards.custom[]`). */
export function dashboardFromConfig(d: ConfigDashboardConfig): DashboardDefinition {
  return {
    uid: d.uid,
    title: d.title,
    folder: d.folder,
    build: (stack) =>
      buildDashboard({
        uid: d.uid,
        title: d.title,
        description: d.description ?? '',
        tags: d.tags,
        // Every scrape job, as the load-time check of config panels assumes (src/checks/dashboards/config.ts).
        variables: d.panels.some((p) => p.promql !== undefined) ? targetVariables(configDashboardJobs(stack)) : [],
        sections: [{ panels: d.panels.map(panelFromConfig) }],
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Variables

/** The datasource variable of a type, preset to the stack's provisioned datasource of that type. */
function datasourceVariable(type: keyof typeof DATASOURCE_VARIABLES): cog.Builder<dash.VariableModel> {
  const title = type === 'prometheus' ? 'Prometheus' : 'Loki';
  return new dash.DatasourceVariableBuilder(DATASOURCE_VARIABLES[type])
    .label(`${title} data source`)
    .type(type)
    .current({ selected: true, text: title, value: DATASOURCE_UIDS[type] });
}

/**
 * The `instance` variable: the targets of the selected jobs, asked from Prometheus (a discovered or relabelled
 * target is not in the config), refreshed with the time range. Queries select with `instance=~"$instance"`.
 */
export function instanceVariable(): cog.Builder<dash.VariableModel> {
  return new dash.QueryVariableBuilder('instance')
    .label('Instance')
    .datasource(PROMETHEUS)
    .query({ qryType: 1, query: 'label_values(up{job=~"$job"},instance)', refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition('label_values(up{job=~"$job"},instance)')
    .refresh(dash.VariableRefresh.OnTimeRangeChanged)
    .sort(dash.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

/** `job` and `instance`: the variables of a dashboard over scrape targets. */
export const targetVariables = (jobs: string[]): Array<cog.Builder<dash.VariableModel>> => [jobVariable(jobs), instanceVariable()];

/**
 * The `job` variable: a custom variable whose options are exactly the given jobs (taken from the stack config),
 * multi-select with "All" preselected. Queries select with `job=~"$job"`.
 */
export function jobVariable(jobs: string[], label = 'Job'): cog.Builder<dash.VariableModel> {
  return new dash.CustomVariableBuilder('job')
    .label(label)
    .values(jobs.join(','))
    .multi(true)
    .includeAll(true)
    .allowCustomValue(false)
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

// ---------------------------------------------------------------------------------------------------------------
// Dashboards

export interface Section {
  /** A row title; panels of a section without a title sit above every row. */
  title?: string;
  panels: PanelSpec[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags?: string[];
  variables?: Array<cog.Builder<dash.VariableModel>>;
  /** Sections without panels are dropped. */
  sections: Section[];
  refresh?: string;
  time?: { from: string; to: string };
  /**
   * The stack: its targets' metric mappings (scrapeTargets[].metrics) turn the logical names the panels query
   * (`metric(family, name)`) into the names the exporters really use.
   */
  stack?: Stack;
}

/**
 * Builds the dashboard: numbers panels 1…n, lays sections out as expanded rows (their panels follow the row at the
 * top level, as Grafana expects of expanded rows), links to the stack's other dashboards. Returns undefined when
 * no section has a panel.
 */
export function buildDashboard(spec: DashboardSpec): Dashboard | undefined {
  const sections = spec.sections.filter((s) => s.panels.length > 0);
  if (sections.length === 0) return undefined;
  const b = new dash.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([STACK_TAG, ...(spec.tags ?? [])])
    .editable()
    .tooltip(dash.DashboardCursorSync.Crosshair)
    .timezone('browser')
    .refresh(spec.refresh ?? '30s')
    .time(spec.time ?? { from: 'now-6h', to: 'now' })
    .link(
      new dash.DashboardLinkBuilder('Stack dashboards')
        .type(dash.DashboardLinkType.Dashboards)
        .tags([STACK_TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    );
  const panels: dash.Panel[] = [];
  let id = 0;
  for (const section of sections) {
    if (section.title) b.withRow(new dash.RowBuilder(section.title).id(++id).collapsed(false));
    for (const panel of section.panels) {
      const built = panel.build();
      built.id = ++id;
      if (spec.stack) mapPanelQueries(built, spec.stack);
      panels.push(built);
      b.withPanel({ build: () => built });
    }
  }
  const types = new Set(panels.map((p) => p.datasource?.type));
  for (const type of ['prometheus', 'loki'] as const) if (types.has(type)) b.withVariable(datasourceVariable(type));
  for (const v of spec.variables ?? []) b.withVariable(v);
  const out = b.build();
  out.panels = flow(out.panels ?? []);
  out.templating = { list: out.templating?.list ?? [] };
  out.annotations = {
    list: [
      {
        builtIn: 1,
        datasource: { type: 'grafana', uid: '-- Grafana --' },
        enable: true,
        hide: true,
        iconColor: 'rgba(0, 211, 255, 1)',
        name: 'Annotations & Alerts',
        type: 'dashboard',
      },
    ],
  };
  return out;
}

/**
 * Places panels left to right, row by row, on Grafana's 24-column grid: a panel that does not fit the rest of a
 * line starts the next one (the SDK's builder would let it overflow), and a row starts a line of its own.
 */
function flow(panels: NonNullable<Dashboard['panels']>): NonNullable<Dashboard['panels']> {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  const newLine = () => {
    y += lineHeight;
    x = 0;
    lineHeight = 0;
  };
  for (const p of panels) {
    const { w, h } = p.gridPos ?? { w: 12, h: 8 };
    if (x > 0 && (p.type === 'row' || x + w > 24)) newLine();
    p.gridPos = { ...p.gridPos, x, y, w, h };
    x += w;
    lineHeight = Math.max(lineHeight, h);
    if (x >= 24) newLine();
  }
  return panels;
}

/**
 * Rewrites a panel's PromQL queries from logical metric names, labels and values to the stack's exported ones
 * (src/mapping.ts); a legend follows its query's renamed labels.
 */
function mapPanelQueries(panel: dash.Panel, stack: Stack): void {
  type Target = { expr?: unknown; legendFormat?: unknown; datasource?: common.DataSourceRef };
  for (const t of (panel.targets ?? []) as Target[]) {
    if (typeof t.expr !== 'string' || (t.datasource ?? panel.datasource)?.type !== 'prometheus') continue;
    const mapped = mapQuery(t.expr, stack);
    t.expr = mapped.expr;
    if (typeof t.legendFormat === 'string') {
      t.legendFormat = t.legendFormat.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (all, l: string) => (mapped.labels[l] ? `{{${mapped.labels[l]}}}` : all));
    }
  }
}

/** `job="a"` or `job=~"a|b"` for the jobs' own series, in the order given. */
export function jobsMatcher(jobs: string[]): string {
  return jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join('|')}"`;
}
