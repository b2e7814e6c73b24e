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

interface Line { labels: Record<string, string>; fields: Record<string, string> }

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

/** Promtail's view: the static labels of the job and the labels its rendered pipeline sets from the file name. */
function promtailLines(dir: string): Line[] {
  const sc = (promtailConfig(dev) as any).scrape_configs.find((s: any) => s.job_name === JOB);
  const { __path__: _glob, ...static_ } = sc.static_configs[0].labels;
  const regexStages = sc.pipeline_stages.filter((s: any) => s.regex?.source === 'filename');
  const labelStage = sc.pipeline_stages.find((s: any) => s.labels)?.labels ?? {};
  return fs.readdirSync(dir).flatMap((name) => {
    const filename = `${promtailSourceDir(JOB)}/${name}`;
    const extracted: Record<string, string> = {};
    for (const s of regexStages) Object.assign(extracted, goRegExp(s.regex.expression).exec(filename)?.groups ?? {});
    const fromFile = Object.fromEntries(Object.entries(labelStage).filter(([k]) => extracted[k] !== undefined).map(([k]) => [k, extracted[k]]));
    const text = fs.readFileSync(path.join(dir, name), 'utf8').trim().split('\n');
    return text.map((l) => {
      const fields = flatten(JSON.parse(l));
      return { labels: { ...static_, ...fromFile, level: fields.level, logger: fields.logger }, fields };
    });
  });
}

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, string> {
  return Object.assign({}, ...Object.entries(o).map(([k, v]) =>
    v !== null && typeof v === 'object' ? flatten(v as Record<string, unknown>, `${prefix}${k}_`) : { [`${prefix}${k}`]: String(v) }));
}

const anchored = (re: string) => new RegExp(`^(?:${re})$`);

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
    stages.every((s) => stage(s, { ...line.labels, ...line.fields })));
}

function stage(s: string, f: Record<string, string>): boolean {
  if (s === 'json' || s === '__error__=""') return true;
  const m = /^(\w+)\s*(=~|=|>=)\s*"?([^"]*)"?$/.exec(s);
  if (!m) throw new Error(`unsupported stage: ${s}`);
  const [, k, op, v] = m;
  if (op === '>=') return Number(f[k]) >= Number(v);
  return op === '=' ? (f[k] ?? '') === v : anchored(v).test(f[k] ?? '');
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
