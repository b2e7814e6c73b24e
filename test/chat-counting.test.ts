/**
 * Chat interactions count each event once (issue 18): the demo app's JsonLogs writes the seed 000 layout (app, error
 * and access files), Promtail's rendered stages label each line, and the dashboard's LogQL is evaluated over the
 * labelled lines. Expectations come from what was logged, never from the queries.
 *
 * No Loki binary runs here, so `evaluate` implements the restricted LogQL the panels use: a stream selector with
 * `=`/`=~` matchers (Prometheus semantics: anchored regex, an absent label is ""), `| json` (nested keys joined by
 * `_`), and label filters `name=~"re"`, `name="v"`, `name >= N`. Anything else throws, so a new query form fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JsonLogs, RequestExtra } from '../examples/demo-app/logs';
import { renderStack } from '../src/render';
import { promtailConfig } from '../src/render/promtail';
import { goRegExp } from '../src/render/go-regexp';
import { promtailSourceDir } from '../src/containers';
import { loadFixture, tmpDir } from './helpers';

interface Line { labels: Record<string, string>; metadata: Record<string, string>; fields: Record<string, string> }

const dev = loadFixture('dev');
const JOB = 'backend_logs';

/** What was logged: the expectation of every test below. */
const INPUT = { chat: 7, chatFailed: 2, other: 5, errorEvents: 3 };

async function writeLogs(dir: string): Promise<void> {
  const logs = new JsonLogs(dir);
  const now = new Date('2026-11-23T12:00:00Z');
  const req = (p: string, status: number, i: number): RequestExtra =>
    ({ request_id: `r${p}${i}`, user_id: 1, path: p, method: 'POST', status_code: status, duration_ms: 10 });
  for (let i = 0; i < INPUT.chat; i++) {
    const failed = i < INPUT.chatFailed;
    const extra = req('/api/chat/send', failed ? 500 : 200, i);
    // As the demo app does: the request's events carry its extra (path included), then the access line.
    logs.log('INFO', 'api', 'Chat message received', extra, now);
    if (failed) logs.log('ERROR', 'api', 'Unhandled error while serving the request', extra, now);
    logs.access(extra, now);
  }
  for (let i = 0; i < INPUT.other; i++) logs.access(req('/api/users/me', 200, i), now);
  for (let i = 0; i < INPUT.errorEvents - INPUT.chatFailed; i++) logs.log('CRITICAL', 'db', 'postgres is down', {}, now);
  await logs.close();
}

/**
 * Promtail's view, from the rendered stages: the job's static labels, the labels set from the file name and from
 * the JSON fields, and the structured metadata (both readable by LogQL label filters without a parser).
 */
function promtailLines(dir: string): Line[] {
  const sc = (promtailConfig(dev) as any).scrape_configs.find((s: any) => s.job_name === JOB);
  const { __path__: _glob, ...static_ } = sc.static_configs[0].labels;
  const stages = sc.pipeline_stages as any[];
  const regexStages = stages.filter((s) => s.regex?.source === 'filename');
  const labelStages = stages.filter((s) => s.labels).map((s) => s.labels as Record<string, string>);
  const expressions: Record<string, string> = stages.find((s) => s.json)?.json.expressions ?? {};
  const metadata: Record<string, string> = stages.find((s) => s.structured_metadata)?.structured_metadata ?? {};
  return fs.readdirSync(dir).flatMap((name) => {
    const filename = `${promtailSourceDir(JOB)}/${name}`;
    const fromFile: Record<string, string> = {};
    for (const s of regexStages) Object.assign(fromFile, goRegExp(s.regex.expression).exec(filename)?.groups ?? {});
    const text = fs.readFileSync(path.join(dir, name), 'utf8').trim().split('\n');
    return text.map((l) => {
      const doc = JSON.parse(l);
      // The json stage's expressions here are dotted paths (JMESPath's simplest form).
      const extracted: Record<string, string> = { ...fromFile };
      for (const [k, where] of Object.entries(expressions)) {
        const v = where.split('.').reduce((o: any, key) => o?.[key], doc);
        if (v !== undefined && v !== null) extracted[k] = String(v);
      }
      const pick = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).filter(([, src]) => extracted[src] !== undefined).map(([k, src]) => [k, extracted[src]]));
      const labels = Object.assign({ ...static_ }, ...labelStages.map(pick));
      return { labels, metadata: pick(metadata), fields: flatten(doc) };
    });
  });
}

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, string> {
  return Object.assign({}, ...Object.entries(o).map(([k, v]) =>
    v !== null && typeof v === 'object' ? flatten(v as Record<string, unknown>, `${prefix}${k}_`) : { [`${prefix}${k}`]: String(v) }));
}

/** RE2's leading `(?i)` as a JS flag; anchored as Prometheus and Loki matchers are. */
const anchored = (re: string) => (re.startsWith('(?i)') ? new RegExp(`^(?:${re.slice(4)})$`, 'i') : new RegExp(`^(?:${re})$`));

/** Lines a `count_over_time` / logs query selects (see the header for the supported forms). */
function select(expr: string, lines: Line[], vars: Record<string, string>): Line[] {
  const q = expr.replace(/\$(\w+)/g, (m, v) => vars[v] ?? m);
  const m = /\{([^}]*)\}((?:\s*\|(?:[^|"[]|"[^"]*")+)*)/.exec(q);
  if (!m) throw new Error(`unsupported query: ${expr}`);
  const matchers = [...m[1].matchAll(/(\w+)\s*(=~|=)\s*"([^"]*)"/g)];
  // Pipeline stages split at the pipes outside quotes.
  const stages = [...m[2].matchAll(/\|((?:[^|"]|"[^"]*")+)/g)].map((s) => s[1].trim());
  return lines.filter((line) =>
    matchers.every(([, k, op, v]) => (op === '=' ? (line.labels[k] ?? '') === v : anchored(v).test(line.labels[k] ?? ''))) &&
    stages.reduce<Record<string, string> | undefined>((f, s) => (f === undefined ? f : stage(s, f, line)), { ...line.labels, ...line.metadata }) !== undefined);
}

/** One pipeline stage over the labels so far: `| json` adds the line's fields (nested keys joined by `_`). */
function stage(s: string, f: Record<string, string>, line: Line): Record<string, string> | undefined {
  if (s === 'json') return { ...line.fields, ...f };
  if (s === '__error__=""') return f;
  const m = /^(\w+)\s*(=~|=|>=)\s*"?([^"]*)"?$/.exec(s);
  if (!m) throw new Error(`unsupported stage: ${s}`);
  const [, k, op, v] = m;
  const keep = op === '>=' ? Number(f[k]) >= Number(v) : op === '=' ? (f[k] ?? '') === v : anchored(v).test(f[k] ?? '');
  return keep ? f : undefined;
}

const VARS = { job: JOB, level: 'DEBUG|INFO|WARNING|ERROR|CRITICAL', __auto: '1h' };

describe('Chat interactions count each logged event once', () => {
  let lines: Line[];
  let panels: Record<string, string>;
  beforeAll(async () => {
    const dir = tmpDir('ms-chat-');
    await writeLogs(dir);
    lines = promtailLines(dir);
    const d = JSON.parse(renderStack(dev)['grafana/dashboards/Logs/stack-chat-interactions.json']);
    const all = (d.panels as any[]).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.targets);
    panels = Object.fromEntries(all.map((p) => [p.title, p.targets[0].expr]));
  });

  test('the seed layout repeats lines across files (the overcount the labels fix)', () => {
    expect(select('{job=~"$job"} | json | extra_path=~".*chat.*"', lines, VARS).length).toBeGreaterThan(INPUT.chat);
    expect(select('{job=~"$job"} | json | level=~"ERROR|CRITICAL"', lines, VARS).length).toBeGreaterThan(INPUT.errorEvents);
  });

  test('N chat requests count N times', () => {
    expect(select(panels['Chat interactions by job'], lines, VARS)).toHaveLength(INPUT.chat);
  });

  test('error events count once, in the error panels and the level breakdown', () => {
    expect(select(panels['Error lines per job'], lines, VARS)).toHaveLength(INPUT.errorEvents);
    expect(select(panels['Error lines'], lines, VARS)).toHaveLength(INPUT.errorEvents);
    const errorLevels = select(panels['Log lines by job and level'], lines, { ...VARS, level: 'ERROR|CRITICAL' });
    expect(errorLevels).toHaveLength(INPUT.errorEvents);
  });

  test('server errors count the failed requests once', () => {
    expect(select(panels['Server errors by path'], lines, VARS)).toHaveLength(INPUT.chatFailed);
  });

  test('a file outside the layout keeps its lines (no file label)', () => {
    const unlabelled = lines.map((l) => ({ ...l, labels: { ...l.labels, file: '' } })).filter((l) => l.fields.logger === 'access');
    expect(select(panels['Chat interactions by job'], unlabelled, VARS)).toHaveLength(INPUT.chat);
  });
});
