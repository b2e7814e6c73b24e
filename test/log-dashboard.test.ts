/**
 * The log dashboard follows each source's format and field mapping (issue 15): a stack with a seed JSON, a
 * structlog, a logfmt and a plain (regex) source gets panels for each, every query reads its source's fields the
 * way its pipeline provides them, and sample lines of each format (test/fixtures/log-samples.ts, written from the
 * format descriptions) are selected by the panels as their level, path and status say.
 *
 * No Loki binary runs here, so `select` evaluates the restricted LogQL the dashboard writes: a stream selector
 * (`=`/`=~`, anchored, an absent label is ""), `| json a="x.y"`, `| logfmt a="k"`, `| regexp "…"`, `| __error__=""`
 * and label filters `=`, `=~` (RE2's leading `(?i)`), `>=`. Anything else throws, so a new query form fails here.
 */
import type { StackInput } from '../src/schema';
import { renderStack } from '../src/render';
import { goRegExp } from '../src/render/go-regexp';
import { LOG_FORMAT_DEFAULTS } from '../promtail/pipeline';
import { dashboardChecks } from '../src/checks/dashboards';
import { checkContext } from '../src/checks/context';
import { assumeDatasources } from '../src/checks/dashboards/scope';
import { stackDatasources } from '../src/checks/dashboards/datasources';
import { LOG_SAMPLES, LogSample } from './fixtures/log-samples';
import { validate } from './helpers';
import seed from './fixtures/seed-stack';

/** A plain access log split by a regex: every field is parsed at query time (plain sources map none to labels). */
const ACCESS: LogSample = {
  source: {
    job: 'edge_logs',
    hostPath: '/var/log/edge',
    format: 'plain',
    regex: '^(?P<timestamp>\\S+) (?P<level>[A-Z]+) (?P<method>[A-Z]+) (?P<path>\\S+) (?P<status_code>\\d{3})$',
    labelFields: [],
    metadataFields: [],
  },
  line: '2026-03-01T12:00:05Z ERROR POST /api/chat/send 502',
  labels: { job: 'edge_logs' },
  metadata: {},
};

/** structlog with the request's path and status bound into the line but not mapped to metadata: parsed by `| json`. */
const STRUCT_HTTP: LogSample = {
  source: {
    job: 'api_logs',
    hostPath: '/var/log/api',
    format: 'structlog',
    fields: { timestamp: 'timestamp', level: 'level', message: 'event', path: 'http.path', status_code: 'http.status' },
    labelFields: ['level'],
    metadataFields: [],
  },
  line: JSON.stringify({ event: 'request failed', level: 'critical', timestamp: '2026-03-01T12:00:06Z', http: { path: '/api/chat/stream', status: 503 } }),
  labels: { job: 'api_logs', level: 'critical' },
  metadata: {},
};

const SAMPLES: LogSample[] = [LOG_SAMPLES.seedJson, LOG_SAMPLES.structlog, LOG_SAMPLES.logfmt, ACCESS, STRUCT_HTTP];

const input = (): StackInput => {
  const i = JSON.parse(JSON.stringify(seed)) as StackInput;
  i.logs = { ...i.logs, sources: SAMPLES.map((s) => s.source) };
  return i;
};
const stack = validate(input());
// Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
let files: Record<string, string>;
let dashboard: any;
let panels: Record<string, { expr: string }[]>;
beforeEach(() => {
  files = renderStack(stack);
  dashboard = JSON.parse(files['grafana/dashboards/Logs/stack-chat-interactions.json']);
  panels = Object.fromEntries(
    (dashboard.panels as any[]).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.targets).map((p) => [p.title, p.targets]),
  );
});
const JOBS = SAMPLES.map((s) => s.source.job).join('|');

/** Where the sample's field is in its line, by the source's mapping or its format's. */
const fieldPath = (s: LogSample, field: string) => (s.source.fields ?? LOG_FORMAT_DEFAULTS[s.source.format!].fields)[field];
/** A field of the sample as written in its line (the test reads the line itself, not the pipeline). */
function lineField(s: LogSample, field: string): string | undefined {
  if (s.source.format === 'plain') return goRegExp(s.source.regex!).exec(s.line)?.groups?.[field];
  if (s.source.format === 'logfmt') return new RegExp(`(?:^| )${fieldPath(s, field)}=("[^"]*"|\\S+)`).exec(s.line)?.[1]?.replace(/^"|"$/g, '');
  const path = fieldPath(s, field);
  const v = path?.split('.').reduce((o: any, k) => o?.[k], JSON.parse(s.line));
  return v === undefined ? undefined : String(v);
}

const anchored = (re: string) => (re.startsWith('(?i)') ? new RegExp(`^(?:${re.slice(4)})$`, 'i') : new RegExp(`^(?:${re})$`));
const unquote = (s: string) => JSON.parse(s) as string;

function stage(text: string, f: Record<string, string>, line: string): Record<string, string> | undefined {
  const parser = /^(json|logfmt) (.+)$/.exec(text);
  if (parser) {
    const out = { ...f };
    for (const [, k, where] of parser[2].matchAll(/(\w+)="([^"]*)"/g)) {
      const v = parser[1] === 'json' ? where.split('.').reduce((o: any, key) => o?.[key], JSON.parse(line)) : new RegExp(`(?:^| )${where}=("[^"]*"|\\S+)`).exec(line)?.[1]?.replace(/^"|"$/g, '');
      if (v !== undefined) out[k] = String(v);
    }
    return out;
  }
  const regexp = /^regexp (".*")$/.exec(text);
  if (regexp) return { ...f, ...(goRegExp(unquote(regexp[1])).exec(line)?.groups ?? { __error__: 'RegexpParserErr' }) };
  if (text === '__error__=""') return f.__error__ ? undefined : f;
  const m = /^(\w+)\s*(=~|=|>=)\s*"?([^"]*)"?$/.exec(text);
  if (!m) throw new Error(`unsupported stage: ${text}`);
  const [, k, op, v] = m;
  const keep = op === '>=' ? Number(f[k]) >= Number(v) : op === '=' ? (f[k] ?? '') === v : anchored(v).test(f[k] ?? '');
  return keep ? f : undefined;
}

/** Does the query (a logs query, or the log range inside a metric query) select the sample's line? */
function select(expr: string, s: LogSample, vars: Record<string, string>): boolean {
  const q = expr.replace(/\$(\w+)/g, (m, v) => vars[v] ?? m);
  const m = /\{([^}]*)\}((?:\s*\|(?:[^|"[]|"(?:[^"\\]|\\.)*")+)*)/.exec(q);
  if (!m) throw new Error(`unsupported query: ${expr}`);
  const matchers = [...m[1].matchAll(/(\w+)\s*(=~|=)\s*"([^"]*)"/g)];
  if (!matchers.every(([, k, op, v]) => (op === '=' ? (s.labels[k] ?? '') === v : anchored(v).test(s.labels[k] ?? '')))) return false;
  const stages = [...m[2].matchAll(/\|((?:[^|"]|"(?:[^"\\]|\\.)*")+)/g)].map((x) => x[1].trim());
  let fields: Record<string, string> | undefined = { ...s.labels, ...s.metadata };
  for (const text of stages) fields = fields && stage(text, fields, s.line);
  return fields !== undefined;
}

const VARS = { job: JOBS, level: 'DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL|PANIC', __auto: '1h' };
const selectedBy = (title: string, s: LogSample, vars = VARS) => (panels[title] ?? []).filter((t) => select(t.expr, s, vars)).length;
const isError = (s: LogSample) => LOG_FORMAT_DEFAULTS[s.source.format!].levels.errors.some((l) => l.toLowerCase() === lineField(s, 'level')?.toLowerCase());

describe('the log dashboard follows each source\'s format and mapping', () => {
  test('every source with a level field is offered and read: its lines count once in the level breakdown', () => {
    for (const s of SAMPLES) expect([s.source.job, selectedBy('Log lines by job and level', s)]).toEqual([s.source.job, 1]);
  });

  test.each(SAMPLES.map((s) => [s.source.job, s]))('%s: an error line is an error line of its format, once; another level is not', (_job, s) => {
    const expected = isError(s) ? 1 : 0;
    expect(selectedBy('Error lines per job', s)).toBe(expected);
    expect(selectedBy('Error lines', s)).toBe(expected);
  });

  test('the Level variable picks levels case-insensitively (INFO picks structlog\'s "info")', () => {
    expect(selectedBy('Log lines by job and level', LOG_SAMPLES.structlog, { ...VARS, level: 'INFO' })).toBe(1);
    expect(selectedBy('Log lines by job and level', LOG_SAMPLES.structlog, { ...VARS, level: 'ERROR' })).toBe(0);
  });

  test('chat requests and server errors are read where the mapping has path and status (metadata, json or regexp)', () => {
    for (const s of SAMPLES) {
      const path = lineField(s, 'path');
      const status = Number(lineField(s, 'status_code'));
      expect([s.source.job, selectedBy('Chat interactions by job', s)]).toEqual([s.source.job, path?.includes('chat') ? 1 : 0]);
      expect([s.source.job, selectedBy('Server errors by path', s)]).toEqual([s.source.job, path !== undefined && status >= 500 ? 1 : 0]);
    }
  });

  test('a field left in the line is parsed by its own format\'s parser under its mapped name; labels and metadata are not parsed', () => {
    const exprs = Object.values(panels).flatMap((t) => t.map((x) => x.expr));
    expect(exprs.some((e) => e.includes('job=~"api_logs"') && e.includes('| json path="http.path", status_code="http.status"'))).toBe(true);
    expect(exprs.some((e) => e.includes('job=~"edge_logs"') && e.includes(`| regexp ${JSON.stringify(ACCESS.source.regex)}`))).toBe(true);
    expect(exprs.filter((e) => /\| (json|logfmt)(\s*\||\s*\[|$)/.test(e))).toEqual([]);
  });

  test('the dashboard passes every dashboard check for this stack', () => {
    const ctx = { ...checkContext(stack, 'test', ''), dashboards: [{ file: 'grafana/dashboards/Logs/stack-chat-interactions.json', text: JSON.stringify(dashboard), json: dashboard }] };
    assumeDatasources(ctx, stackDatasources(stack));
    const ids = ['dashboards/log-fields', 'dashboards/label-provenance', 'dashboards/query-parses', 'dashboards/log-jobs-shipped', 'dashboards/variables-defined'];
    expect(dashboardChecks.filter((c) => ids.includes(c.id)).flatMap((c) => c.run(ctx))).toEqual([]);
  });
});
