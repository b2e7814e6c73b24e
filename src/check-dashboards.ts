/**
 * Checks of the rendered Grafana dashboards (synth's `files/grafana/dashboards/**.json`), part of `npm run check`:
 *  - every PromQL query parses (official lezer grammar) and every LogQL query parses (Grafana's lezer grammar),
 *    with Grafana variables replaced by sample values first;
 *  - every datasource a panel or query names is provisioned (uid known, type matching);
 *  - every variable used is defined in the dashboard's templating (or is a Grafana built-in);
 *  - every metric a query reads is provided by a configured scrape target's families or a component's own metrics,
 *    and by at least one of the jobs the query selects (a custom `job` variable stands for all its options);
 *  - every log job a LogQL stream selector pins is shipped by a configured log source;
 *  - dashboard uids and titles are unique, panel ids and titles unique within a dashboard;
 *  - the provider points where the dashboards are uploaded, and a fresh render gives the same bytes.
 * Every problem names the dashboard and the panel. `dashboardConfigProblems` runs the same query checks on the
 * panels a stack writes in config (`dashboards.custom`) when the config loads, with their JSON paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { parser as logqlParser } from '@grafana/lezer-logql';
import type { ConfigPanelConfig, Stack } from './schema';
import type { CheckResult, ExtraCheck } from './check-result';
import { DATASOURCE_UIDS, DatasourceName } from './datasources';
import { parsePromQL, pinnedJobs } from './promql';
import { familyOf, providedSeries } from './metrics';
import { containerPathOf } from './containers';
import { DASHBOARD_PROVIDER_FILE, DASHBOARDS_DIR, findDashboard, includedDashboards, renderDashboards } from './render/dashboards';
import { DASHBOARDS } from '../dashboards';

export interface DashboardFile {
  /** Path relative to synth's `files/`. */
  file: string;
  /** The file's text. */
  text: string;
}

export interface KnownDatasource {
  uid: string;
  type: string;
}

export interface DashboardReport {
  file: string;
  /** The dashboard title (the file name when the JSON cannot be read). */
  title: string;
  uid?: string;
  panels: number;
  queries: number;
  problems: string[];
}

/** Grafana's own variables, usable without a templating entry. */
export const BUILTIN_VARIABLES = new Set([
  '__interval',
  '__interval_ms',
  '__rate_interval',
  '__rate_interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__auto',
  '__from',
  '__to',
  '__now',
  '__dashboard',
  '__user',
  '__org',
  '__name',
  '__timezone',
  '__timeFilter',
  '__all',
]);

/** Sample values for built-ins when parsing: durations where a duration goes, numbers where a number goes. */
const BUILTIN_SAMPLES: Record<string, string> = {
  __interval: '1m',
  __rate_interval: '5m',
  __range: '1h',
  __auto: '1m',
  __interval_ms: '60000',
  __rate_interval_ms: '300000',
  __range_s: '3600',
  __range_ms: '3600000',
  __from: '1700000000000',
  __to: '1700003600000',
  __now: '1700003600000',
};

/** `${name}`, `${name:format}`, `[[name]]`, `$name` (not `$1`, a regex group). */
const VARIABLE_REF = /\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::[^}]*)?\}|\[\[([A-Za-z_][A-Za-z0-9_.]*)(?::[^\]]*)?\]\]|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function variablesUsed(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(VARIABLE_REF)) names.add((m[1] ?? m[2] ?? m[3]).split('.')[0]);
  return [...names];
}

/** Replaces every variable reference with a sample value so the query can be parsed. */
export function substituteVariables(text: string, samples: Record<string, string>): string {
  return text.replace(VARIABLE_REF, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!.split('.')[0];
    return BUILTIN_SAMPLES[name] ?? samples[name] ?? whole;
  });
}

/** The options of a custom variable: `a,b` or `text : value` pairs. */
export function customOptions(query: string): string[] {
  return query
    .split(/(?<!\\),/)
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => (o.includes(' : ') ? o.split(' : ')[1].trim() : o));
}

/** LogQL syntax errors from Grafana's lezer grammar, and the jobs each stream selector pins. */
export function parseLogQLSelectors(expr: string): { errors: string[]; jobSelections: string[][] } {
  const errors: string[] = [];
  const jobSelections: string[][] = [];
  if (expr.trim() === '') errors.push('empty expression');
  const text = (from: number, to: number) => expr.slice(from, to);
  logqlParser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        errors.push(
          ref.from >= expr.length ? 'unexpected end of expression' : `syntax error at column ${ref.from + 1} near ${JSON.stringify(expr.slice(ref.from, ref.from + 12))}`,
        );
        return false;
      }
      if (ref.name !== 'Selector') return undefined;
      // Stream selector matchers only (label filters after a pipe are not stream selection).
      const matchers: Array<{ label: string; op: string; value: string }> = [];
      ref.node.cursor().iterate((m) => {
        if (m.name !== 'Matcher') return undefined;
        const id = m.node.getChild('Identifier');
        const str = m.node.getChild('String');
        const op = m.node.getChild('Eq') ?? m.node.getChild('Re') ?? m.node.getChild('Neq') ?? m.node.getChild('Nre');
        if (id && str && op) {
          let value = text(str.from, str.to);
          try {
            value = value.startsWith('`') ? value.slice(1, -1) : (JSON.parse(value) as string);
          } catch {
            value = value.slice(1, -1);
          }
          matchers.push({ label: text(id.from, id.to), op: text(op.from, op.to), value });
        }
        return false;
      });
      const jobs = pinnedJobs(matchers);
      if (jobs) jobSelections.push(jobs);
      return undefined; // descend on: syntax errors inside the selector count too
    },
  });
  return { errors: [...new Set(errors)], jobSelections };
}

/** LogQL syntax errors from Grafana's lezer grammar. */
export function parseLogQL(expr: string): string[] {
  return parseLogQLSelectors(expr).errors;
}

/** The datasources a stack provisions (uids from DATASOURCE_UIDS, for the enabled components). */
export function stackDatasources(stack: Stack): KnownDatasource[] {
  return (Object.keys(DATASOURCE_UIDS) as DatasourceName[])
    .filter((name) => stack.components[name].enabled)
    .map((name) => ({ uid: DATASOURCE_UIDS[name], type: name }));
}

/** Datasources from synth's provisioning files, or undefined when there are none. */
export function provisionedDatasources(filesDir: string): KnownDatasource[] | undefined {
  const dir = path.join(filesDir, 'grafana', 'provisioning', 'datasources');
  if (!fs.existsSync(dir)) return undefined;
  const out: KnownDatasource[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const doc = yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) as { datasources?: Array<{ uid?: string; type?: string }> } | undefined;
    for (const ds of doc?.datasources ?? []) if (ds.uid && ds.type) out.push({ uid: ds.uid, type: ds.type });
  }
  return out;
}

// Grafana's special datasources, always present.
const SPECIAL_DATASOURCES = new Set(['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana']);

interface Json {
  [key: string]: unknown;
}
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** All panels, rows' nested panels (collapsed rows) included. */
function allPanels(panels: unknown): Json[] {
  if (!Array.isArray(panels)) return [];
  return panels.filter(isObj).flatMap((p) => [p, ...allPanels(p.panels)]);
}

/** What the queries of a dashboard are checked against. */
interface QueryScope {
  stack: Stack;
  /** Metric name → jobs that provide it. */
  provided: Map<string, string[]>;
  /** Variable name → the sample value substituted before parsing. */
  samples: Record<string, string>;
}

/** Problems of one query on a datasource type: syntax, metric provenance, log jobs. Messages without context. */
export function queryProblems(expr: string, dsType: string, scope: QueryScope): string[] {
  const concrete = substituteVariables(expr, scope.samples);
  if (dsType === 'prometheus') return promqlProblems(expr, concrete, scope.provided);
  if (dsType === 'loki') return logqlProblems(expr, concrete, scope.stack);
  return [];
}

function promqlProblems(expr: string, concrete: string, provided: Map<string, string[]>): string[] {
  const parsed = parsePromQL(concrete);
  if (parsed.errors.length) return [`PromQL does not parse (${parsed.errors.join('; ')}): ${expr}`];
  const out: string[] = [];
  const reported = new Set<string>();
  for (const sel of parsed.selectors) {
    const metric = sel.metric;
    if (!metric || reported.has(metric)) continue;
    const jobs = provided.get(metric);
    const family = familyOf(metric);
    const hint = family ? ` (it belongs to the "${family}" family: add "${family}" to a target's ruleSets)` : ' (not in any metric family of metrics/families.ts)';
    const selected = pinnedJobs(sel.matchers);
    if (!jobs) out.push(`queries ${metric}, which no configured scrape target provides${hint}`);
    else if (selected && !selected.some((j) => jobs.includes(j)))
      out.push(`queries ${metric} from job ${selected.join('|')}, which does not provide it (provided by: ${jobs.join(', ')})`);
    else continue;
    reported.add(metric);
  }
  return out;
}

function logqlProblems(expr: string, concrete: string, stack: Stack): string[] {
  const parsed = parseLogQLSelectors(concrete);
  if (parsed.errors.length) return [`LogQL does not parse (${parsed.errors.join('; ')}): ${expr}`];
  if (stack.logs.dockerDiscovery) return [];
  const shipped = stack.logs.sources.map((src) => src.job);
  return parsed.jobSelections
    .filter((selected) => !selected.some((j) => shipped.includes(j)))
    .map((selected) => `selects log job ${selected.join('|')}, which no configured log source ships (logs.sources: ${shipped.join(', ') || 'none'})`);
}

/** True when a LogQL expression yields numbers (a metric query such as `count_over_time`), not log lines. */
export function isLogQLMetricQuery(expr: string): boolean {
  return logqlParser.parse(expr).topNode.firstChild?.firstChild?.name === 'MetricExpr';
}

interface CheckContext {
  stack: Stack;
  provided: Map<string, string[]>;
  dsByUid: Map<string, KnownDatasource>;
  /** Uid / title → the file that used it first (across dashboards). */
  uids: Map<string, string>;
  titles: Map<string, string>;
}

/** Checks dashboards against a stack. Pure: give it the file texts. */
export function checkDashboards(files: DashboardFile[], stack: Stack, datasources: KnownDatasource[] = stackDatasources(stack)): DashboardReport[] {
  const ctx: CheckContext = {
    stack,
    provided: providedSeries(stack),
    dsByUid: new Map(datasources.map((d) => [d.uid, d])),
    uids: new Map(),
    titles: new Map(),
  };
  return files.map((f) => checkDashboardFile(f, ctx));
}

function checkDashboardFile({ file, text }: DashboardFile, ctx: CheckContext): DashboardReport {
  const report: DashboardReport = { file, title: path.basename(file), panels: 0, queries: 0, problems: [] };
  let dash: Json;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!isObj(parsed)) throw new Error('not a JSON object');
    dash = parsed;
  } catch (err) {
    report.problems.push(`${file}: not a dashboard JSON object (${(err as Error).message})`);
    return report;
  }
  report.title = str(dash.title) || path.basename(file);
  report.uid = str(dash.uid);
  const d = new DashboardChecker(report, dash, ctx);
  d.checkIdentity();
  d.checkVariables();
  const titles = new Set<string>();
  const ids = new Map<number, string>();
  for (const panel of allPanels(dash.panels)) d.checkPanel(panel, ids, titles);
  return report;
}

/** The checks of one dashboard; every problem is prefixed with the dashboard (and panel) it is about. */
class DashboardChecker {
  private readonly defined = new Set<string>();
  private readonly scope: QueryScope;
  private readonly templating: Json[];

  constructor(
    private readonly report: DashboardReport,
    private readonly dash: Json,
    private readonly ctx: CheckContext,
  ) {
    this.templating = isObj(dash.templating) && Array.isArray(dash.templating.list) ? dash.templating.list.filter(isObj) : [];
    const samples: Record<string, string> = {};
    for (const v of this.templating) {
      const name = str(v.name);
      if (!name) continue;
      this.defined.add(name);
      // A custom variable of plain names stands for all of them (as "All" does), so job selections can be checked.
      const options = v.type === 'custom' && typeof v.query === 'string' ? customOptions(v.query) : [];
      samples[name] = v.type === 'interval' ? '5m' : options.length && options.every((o) => /^[A-Za-z0-9_.:-]+$/.test(o)) ? options.join('|') : 'sample';
    }
    this.scope = { stack: ctx.stack, provided: ctx.provided, samples };
  }

  problem(msg: string): void {
    this.report.problems.push(`dashboard "${this.report.title}": ${msg}`);
  }

  checkIdentity(): void {
    const { file, uid } = this.report;
    const title = str(this.dash.title) ?? '';
    if (!title) this.problem('has no title');
    else if (this.ctx.titles.has(title)) this.problem(`title also used by ${this.ctx.titles.get(title)}`);
    else this.ctx.titles.set(title, file);
    if (!uid) return this.problem('has no uid');
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid)) this.problem(`uid "${uid}" is not 1-40 letters, digits, "-" or "_"`);
    if (this.ctx.uids.has(uid)) this.problem(`uid "${uid}" also used by ${this.ctx.uids.get(uid)}`);
    else this.ctx.uids.set(uid, file);
    if (path.basename(file) !== `${uid}.json`) this.problem(`file name ${path.basename(file)} does not match uid "${uid}"`);
  }

  checkVars(text: string, context: string): void {
    for (const name of variablesUsed(text)) {
      if (!this.defined.has(name) && !BUILTIN_VARIABLES.has(name)) {
        this.problem(`${context}: uses variable $${name}, which the dashboard does not define (templating.list has: ${[...this.defined].join(', ') || 'nothing'})`);
      }
    }
  }

  checkVariables(): void {
    for (const v of this.templating) {
      const context = `variable "${str(v.name) ?? '?'}"`;
      this.resolveDatasource(v.datasource, context);
      for (const field of ['query', 'regex', 'definition'] as const) {
        const value = v[field];
        if (typeof value === 'string') this.checkVars(value.replace(/\$__all/g, ''), context);
      }
    }
  }

  resolveDatasource(ref: unknown, context: string): KnownDatasource | undefined {
    if (ref === undefined || ref === null) return undefined;
    if (typeof ref === 'string') {
      if (!SPECIAL_DATASOURCES.has(ref)) this.problem(`${context}: datasource given by name "${ref}"; use a { type, uid } reference with a provisioned uid`);
      return undefined;
    }
    if (!isObj(ref)) return undefined;
    const dsUid = str(ref.uid);
    if (!dsUid || SPECIAL_DATASOURCES.has(dsUid)) return undefined;
    if (variablesUsed(dsUid).length) {
      this.checkVars(dsUid, context);
      return undefined;
    }
    const known = this.ctx.dsByUid.get(dsUid);
    if (!known) {
      this.problem(`${context}: unknown datasource uid "${dsUid}"; provisioned: ${[...this.ctx.dsByUid.keys()].join(', ') || 'none'}`);
      return undefined;
    }
    if (ref.type !== undefined && ref.type !== known.type) this.problem(`${context}: datasource "${dsUid}" is of type "${known.type}", not "${String(ref.type)}"`);
    return known;
  }

  checkPanel(panel: Json, ids: Map<number, string>, titles: Set<string>): void {
    this.report.panels++;
    const ptitle = str(panel.title) ?? '';
    const pwhere = `panel "${ptitle || `id ${String(panel.id)}`}"`;
    if (typeof panel.id !== 'number') this.problem(`${pwhere}: has no numeric id`);
    else if (ids.has(panel.id)) this.problem(`${pwhere}: id ${panel.id} also used by panel "${ids.get(panel.id)}"`);
    else ids.set(panel.id, ptitle);
    if (panel.type !== 'row') {
      if (!ptitle) this.problem(`${pwhere}: has no title`);
      else if (titles.has(ptitle)) this.problem(`${pwhere}: another panel has the same title`);
      titles.add(ptitle);
    }
    this.checkVars(ptitle, pwhere);
    if (typeof panel.repeat === 'string' && panel.repeat && !this.defined.has(panel.repeat)) {
      this.problem(`${pwhere}: repeats over variable "${panel.repeat}", which the dashboard does not define`);
    }
    const panelDs = this.resolveDatasource(panel.datasource, pwhere);
    for (const t of Array.isArray(panel.targets) ? panel.targets.filter(isObj) : []) this.checkTarget(t, panel, panelDs, pwhere);
  }

  checkTarget(t: Json, panel: Json, panelDs: KnownDatasource | undefined, pwhere: string): void {
    const context = `${pwhere}, query ${str(t.refId) ?? '?'}`;
    // A query naming its panel's datasource again is judged (and reported) with the panel.
    const sameAsPanel = isObj(t.datasource) && isObj(panel.datasource) && t.datasource.uid === panel.datasource.uid && t.datasource.type === panel.datasource.type;
    const ds = t.datasource !== undefined && !sameAsPanel ? this.resolveDatasource(t.datasource, context) : panelDs;
    const expr = str(t.expr);
    if (expr === undefined) return;
    this.report.queries++;
    this.checkVars(expr, context);
    if (typeof t.legendFormat === 'string') this.checkVars(t.legendFormat, context);
    if (!ds) {
      if (t.datasource === undefined && panel.datasource === undefined) this.problem(`${context}: no datasource`);
      return;
    }
    for (const msg of queryProblems(expr, ds.type, this.scope)) this.problem(`${context}: ${msg}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The `dashboards` section of a stack config, checked at load time (each problem with its JSON path)

export interface ConfigProblem {
  path: Array<string | number>;
  message: string;
}

/** `dashboards.include` names dashboards of dashboards/; `dashboards.custom` uids, titles and panels. */
export function dashboardConfigProblems(stack: Stack): ConfigProblem[] {
  return [...includeProblems(stack), ...customDashboardProblems(stack)];
}

function includeProblems(stack: Stack): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  const available = DASHBOARDS.map((d) => `${d.uid} ("${d.title}")`).join(', ');
  (stack.dashboards.include ?? []).forEach((name, i) => {
    const def = findDashboard(name);
    const path = ['dashboards', 'include', i];
    if (!def) out.push({ path, message: `unknown dashboard "${name}"; expected the uid or title of a dashboard of dashboards/: ${available}` });
    else if (seen.has(def.uid)) out.push({ path, message: `dashboard "${def.title}" is already listed at include[${seen.get(def.uid)}]` });
    else seen.set(def.uid, i);
  });
  return out;
}

function customDashboardProblems(stack: Stack): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  // The selected dashboards of dashboards/ come first; a custom dashboard may reuse the uid of one left out.
  const builtIn = includedDashboards(stack);
  const uids = new Map(builtIn.map((d) => [d.uid, `dashboard "${d.title}" of dashboards/`]));
  const titles = new Map(builtIn.map((d) => [d.title, `dashboard "${d.title}" of dashboards/`]));
  const scope: QueryScope = { stack, provided: providedSeries(stack), samples: {} };
  stack.dashboards.custom.forEach((d, i) => {
    const where = ['dashboards', 'custom', i];
    const uidOwner = uids.get(d.uid);
    if (uidOwner) out.push({ path: [...where, 'uid'], message: `duplicate dashboard uid "${d.uid}" (already ${uidOwner}); expected a unique uid` });
    else uids.set(d.uid, `dashboards.custom[${i}]`);
    const titleOwner = titles.get(d.title);
    if (titleOwner) out.push({ path: [...where, 'title'], message: `duplicate dashboard title "${d.title}" (already ${titleOwner}); expected a unique title` });
    else titles.set(d.title, `dashboards.custom[${i}]`);
    const panelTitles = new Set<string>();
    d.panels.forEach((p, j) => {
      const at = (...rest: Array<string | number>) => [...where, 'panels', j, ...rest];
      const name = `dashboard "${d.title}": panel "${p.title}"`;
      if (panelTitles.has(p.title)) out.push({ path: at('title'), message: `${name}: another panel of the dashboard has the same title; expected a unique title` });
      panelTitles.add(p.title);
      out.push(...configPanelProblems(p, stack, scope).map(([field, msg]) => ({ path: at(...field), message: `${name}: ${msg}` })));
    });
  });
  return out;
}

/** [field path within the panel, message] pairs for one config panel. */
function configPanelProblems(p: ConfigPanelConfig, stack: Stack, scope: QueryScope): Array<[string[], string]> {
  if ((p.promql === undefined) === (p.logql === undefined)) return [[[], 'expected exactly one query: "promql" (Prometheus) or "logql" (Loki)']];
  if (p.type === 'logs' && p.logql === undefined) return [[['promql'], 'a logs panel shows log lines; expected a "logql" query']];
  const field = p.promql !== undefined ? 'promql' : 'logql';
  const expr = (p.promql ?? p.logql)!;
  const component = field === 'promql' ? 'prometheus' : 'loki';
  if (!stack.components[component].enabled) return [[[field], `the stack does not run ${component} (components.${component}.enabled is false)`]];
  const out: Array<[string[], string]> = [];
  for (const name of variablesUsed(expr)) {
    if (!BUILTIN_VARIABLES.has(name)) out.push([[field], `uses variable $${name}, which config dashboards do not define; expected only Grafana's built-ins such as $__rate_interval`]);
  }
  out.push(...queryProblems(expr, component, scope).map((m): [string[], string] => [[field], m]));
  if (out.length === 0 && field === 'logql' && p.type !== 'logs' && !isLogQLMetricQuery(substituteVariables(expr, {}))) {
    out.push([[field], `a ${p.type} panel draws numbers, but this LogQL returns log lines; expected a metric query such as sum(count_over_time(${expr} [$__interval])) or type "logs"`]);
  }
  return out;
}

/** Dashboard files under `<filesDir>/grafana/dashboards/`, sorted. */
export function readDashboardFiles(filesDir: string): DashboardFile[] {
  const root = path.join(filesDir, DASHBOARDS_DIR);
  const out: DashboardFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) out.push({ file: path.relative(filesDir, full).split(path.sep).join('/'), text: fs.readFileSync(full, 'utf8') });
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** The `npm run check` plug-in: one result per dashboard, plus provisioning and byte-stability. */
export const dashboardChecks: ExtraCheck = (stack, filesDir) => {
  const files = readDashboardFiles(filesDir);
  const results: CheckResult[] = [];
  if (!stack.components.grafana.enabled) return results;
  const datasources = provisionedDatasources(filesDir) ?? stackDatasources(stack);
  for (const r of checkDashboards(files, stack, datasources)) {
    results.push({
      name: `dashboard "${r.title}" (${r.file}): ${r.panels} panels, ${r.queries} queries`,
      ok: r.problems.length === 0,
      detail: r.problems.join('\n') || undefined,
    });
  }

  // The provider must point where files/grafana/dashboards/ lands in the container.
  const providerFile = path.join(filesDir, DASHBOARD_PROVIDER_FILE);
  if (files.length > 0) {
    const expected = path.posix.dirname(containerPathOf(`${DASHBOARDS_DIR}/x.json`)?.path ?? '');
    if (!fs.existsSync(providerFile)) {
      results.push({ name: `dashboard provider ${DASHBOARD_PROVIDER_FILE}`, ok: false, detail: 'missing: Grafana would load no dashboard' });
    } else {
      const doc = yaml.load(fs.readFileSync(providerFile, 'utf8')) as { providers?: Array<{ type?: string; options?: { path?: string } }> };
      const paths = (doc?.providers ?? []).filter((p) => p.type === 'file').map((p) => p.options?.path);
      const ok = paths.includes(expected);
      results.push({
        name: `dashboard provider ${DASHBOARD_PROVIDER_FILE} → ${expected}`,
        ok,
        detail: ok ? undefined : `no file provider reads ${expected}, where ${DASHBOARDS_DIR}/ is uploaded (providers read: ${paths.join(', ') || 'none'})`,
      });
    }
  }

  // Byte-stable: a fresh render gives exactly the files on disk (no spurious preview diffs).
  const fresh = renderDashboards(stack);
  const differing = Object.keys(fresh)
    .filter((k) => k.endsWith('.json'))
    .filter((k) => !fs.existsSync(path.join(filesDir, k)) || fs.readFileSync(path.join(filesDir, k), 'utf8') !== fresh[k]);
  const extra = files.map((f) => f.file).filter((f) => !(f in fresh));
  results.push({
    name: 'dashboards byte-stable (a fresh render matches files/)',
    ok: differing.length === 0 && extra.length === 0,
    detail: [...differing.map((f) => `${f}: differs from a fresh render`), ...extra.map((f) => `${f}: not produced by the renderer`)].join('\n') || undefined,
  });
  return results;
};
