/**
 * `npm run try`, run for real as a user runs it (npm, tsx, the Debian Prometheus and Alertmanager, the demo app),
 * on the fixture stack test/fixtures/try-stack.yaml: an injected 5xx fault reaches the local inbox as a firing
 * notification of the error-ratio alert, for the receiver the fixture routes criticals to, and clearing the fault
 * resolves it; the command exits 0 when --for runs out (or on Ctrl-C) and leaves no process and no temp dir behind.
 * A taken port or a missing binary is refused with one line on stderr and a non-zero exit.
 *
 * Every bound derives from the loopback timings (src/local/loopback.ts) and the fixture, ×1.5 plus slack for a
 * loaded 2-core machine; a failure prints the command's output with the time each line arrived.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers';
import { loadStack } from '../src/load';
import { parseDuration } from '../src/duration';
import { LOOPBACK_TIMINGS, loopbackStackInput, notStarted } from '../src/local/loopback';
import { STARTUP_MS } from '../src/local/run';
import { request } from '../src/local/http';
import { freePort, sleep } from '../src/local/processes';

const FIXTURE = 'test/fixtures/try-stack.yaml';
const ms = parseDuration;
const T = LOOPBACK_TIMINGS;
const { stack: fixture } = loadStack({ config: path.join(REPO_ROOT, FIXTURE) });
const withHeadroom = (derivedMs: number) => Math.ceil(derivedMs * 1.5) + 5000;
/** npm and tsx starting, then the session's own start-up bound and target discovery. */
const READY_MS = 30_000 + STARTUP_MS + 3 * ms(T.scrapeInterval) + 20_000;
/** Stopping: SIGTERM, 5 s grace, SIGKILL (src/local/processes.ts stopProcess), and npm/tsx exiting. */
const STOP_MS = 5000 + 2000 + 10_000;

/** The receiver the fixture's route tree gives a critical alert: the first child route matching severity="critical". */
const criticalReceiver = fixture.alertmanager.route.routes.find((r) => (r.matchers ?? []).includes('severity="critical"'))?.receiver ?? fixture.alertmanager.route.receiver;
const errorAlertFor = Math.min(ms(fixture.alerts.overrides.HttpServerErrorRatioHigh?.for ?? '5m'), ms(T.for));
const errorAlertWindow = Math.min(ms(fixture.alerts.overrides.HttpServerErrorRatioHigh?.window ?? '5m'), ms(T.window));
/** Fault → firing: two scrapes (rate() needs two samples), two evaluations, `for`, group_wait. */
const FIRING_MS = withHeadroom(2 * ms(T.scrapeInterval) + 2 * ms(T.evaluationInterval) + errorAlertFor + ms(T.groupWait));
/** Cleared → resolved: the window drains, a scrape, an evaluation, a group_interval flush. */
const RESOLVED_MS = withHeadroom(errorAlertWindow + ms(T.scrapeInterval) + ms(T.evaluationInterval) + ms(T.groupInterval));
const BASELINE_MS = 3000;

interface TryRun {
  child: ChildProcess;
  lines: Array<{ at: number; text: string }>;
  stderr: string[];
  startedAt: number;
  exit: Promise<number | null>;
}

const runs: TryRun[] = [];

/**
 * The command the `try` script runs (package.json), without npm: npm reports a Ctrl-C as exit 130 whatever the
 * script returned, so the script's own exit code is only visible this way.
 */
const TRY_SCRIPT: string[] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.try.split(' ');

function startTry(args: string[], viaNpm = true): TryRun {
  const argv = viaNpm ? ['npm', 'run', '--silent', 'try', '--'] : TRY_SCRIPT;
  // Its own process group, so the test can press "Ctrl-C" (SIGINT to the group) the way a terminal does.
  const child = spawn(argv[0], [...argv.slice(1), '--config', FIXTURE, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${path.join(REPO_ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` },
  });
  const run: TryRun = { child, lines: [], stderr: [], startedAt: Date.now(), exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const text of parts) run.lines.push({ at: Date.now(), text });
  });
  child.stderr!.on('data', (c: Buffer) => run.stderr.push(c.toString('utf8')));
  runs.push(run);
  return run;
}

const transcript = (run: TryRun) =>
  `output so far (ms since start):\n${run.lines.map((l) => `  +${l.at - run.startedAt}  ${l.text}`).join('\n') || '  (none)'}\nstderr:\n${run.stderr.join('') || '(none)'}`;

/** Waits for a stdout line matching `re` (bounded); returns its match. */
async function line(run: TryRun, re: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() <= deadline && i < timeoutMs / 100 + 1; i++) {
    for (const l of run.lines) {
      const m = l.text.match(re);
      if (m) return m;
    }
    if (run.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`no ${what} within ${timeoutMs} ms (exit code ${run.child.exitCode})\n${transcript(run)}`);
}

async function exitCode(run: TryRun, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([run.exit, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
  clearTimeout(timer);
  if (code === 'timeout') throw new Error(`npm run try did not exit within ${timeoutMs} ms\n${transcript(run)}`);
  return code;
}

/** Processes whose command line or working directory refer to `dir`. */
export function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // Not ours to read.
      }
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push(`${pid}: ${cmdline.trim()} (cwd ${cwd})`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** The pids and temp dir the command printed; after it exits, none of them may remain. */
function expectNothingLeft(run: TryRun): void {
  const text = run.lines.map((l) => l.text).join('\n');
  const pids = [...text.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
  const tmp = text.match(/files and logs in (\S+)/)?.[1];
  expect(pids.length).toBeGreaterThanOrEqual(3);
  expect(tmp).toMatch(/monitoring-try-/);
  const alive = pids.filter((pid) => {
    try {
      return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ') && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').length > 0;
    } catch {
      return false;
    }
  });
  expect(processesIn(tmp!)).toEqual([]);
  expect(alive.filter((pid) => processesIn(tmp!).some((p) => p.startsWith(`${pid}:`)))).toEqual([]);
  expect(fs.existsSync(tmp!)).toBe(false);
}

afterAll(async () => {
  // A failed test must not leave its run behind.
  for (const run of runs) {
    if (run.child.exitCode === null && run.child.pid) {
      try {
        process.kill(-run.child.pid, 'SIGINT');
      } catch {
        // Gone.
      }
      await Promise.race([run.exit, sleep(STOP_MS)]);
    }
  }
}, STOP_MS + 5000);

describe('the loopback rendering of a stack', () => {
  const ports = { prometheus: 19090, alertmanager: 19093, demo: 18000, inbox: 18001 };
  const input = loopbackStackInput(fixture, ports) as ReturnType<typeof loopbackStackInput> & typeof fixture;

  test('every receiver is one webhook to the inbox at /<receiver name>, with no e-mail, Slack or secret', () => {
    expect(input.alertmanager.receivers).toEqual(
      fixture.alertmanager.receivers.map((r) => ({ name: r.name, email: [], slack: [], webhook: [{ url: `http://127.0.0.1:${ports.inbox}/${r.name}`, sendResolved: true, maxAlerts: 0 }] })),
    );
    expect(JSON.stringify(input.alertmanager)).not.toMatch(/"secret"/);
  });

  test('`for` and windows are cut to the loopback bounds, and a shorter one is kept', () => {
    expect(input.alerts.overrides.HttpServerErrorRatioHigh).toMatchObject({ for: T.for, window: T.window });
    expect(input.alerts.overrides.RedisDown).toMatchObject({ for: fixture.alerts.overrides.RedisDown.for });
    expect(input.alerts.overrides.RedisDown).not.toHaveProperty('window');
    expect(input.prometheus).toMatchObject({ scrapeInterval: T.scrapeInterval, evaluationInterval: T.evaluationInterval });
  });

  test('every scrape target is the demo app, exporters on their /exporters path; group timings only at the root', () => {
    expect(input.scrapeTargets.map((t) => [t.job, t.targets, t.metricsPath])).toEqual([
      ['backend', [`127.0.0.1:${ports.demo}`], '/metrics'],
      ['redis', [`127.0.0.1:${ports.demo}`], '/exporters/redis/metrics'],
    ]);
    expect(input.alertmanager.route).toMatchObject({ groupWait: T.groupWait, groupInterval: T.groupInterval });
    expect(input.alertmanager.route.routes[0].groupInterval).toBeUndefined();
  });

  test('components without a local binary are listed as not started, with the reason', () => {
    expect(notStarted(fixture).map((n) => n.component)).toEqual(['grafana', 'loki', 'promtail', 'jaeger']);
    expect(notStarted(fixture).every((n) => /no local binary/.test(n.reason))).toBe(true);
    expect(Object.entries(input.components!).filter(([, c]) => c?.enabled !== false).map(([name]) => name)).toEqual(['prometheus', 'alertmanager']);
  });
});

test('the leftover scan finds a process working in a directory (so the checks below can fail)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-try-scan-'));
  const child = spawn('sleep', ['30'], { cwd: dir, stdio: 'ignore' });
  try {
    await sleep(200);
    expect(processesIn(dir).some((p) => p.startsWith(`${child.pid}:`))).toBe(true);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('npm run try', () => {
  const forMs = BASELINE_MS + FIRING_MS + RESOLVED_MS + 15_000;

  test(
    'an injected 5xx fault fires the error-ratio alert at the inbox, clearing it resolves it; exit 0 after --for, nothing left',
    async () => {
      const run = startTry(['--for', `${Math.ceil(forMs / 1000)}s`]);
      const demo = (await line(run, /Demo app metrics\s+(http:\/\/127\.0\.0\.1:\d+)\/metrics/, READY_MS, 'ready banner'))[1];
      await line(run, /^notifications as they arrive/, 5000, 'notification header');
      await sleep(BASELINE_MS);
      expect((await request(`${demo}/faults`, { method: 'POST', body: { errorRate: 0.5 } })).status).toBe(200);
      const firing = new RegExp(`^\\S+\\s+${criticalReceiver}\\s+FIRING\\s+HttpServerErrorRatioHigh\\b.*more than 1% of HTTP requests fail with 5xx`);
      await line(run, firing, FIRING_MS, `firing HttpServerErrorRatioHigh for ${criticalReceiver}`);
      expect((await request(`${demo}/faults`, { method: 'DELETE' })).status).toBe(200);
      await line(run, new RegExp(`^\\S+\\s+${criticalReceiver}\\s+RESOLVED\\s+HttpServerErrorRatioHigh\\b`), RESOLVED_MS, 'resolved HttpServerErrorRatioHigh');
      expect(await exitCode(run, forMs + STOP_MS)).toBe(0);
      expect(run.lines.some((l) => /--for \S+ is over: stopping/.test(l.text))).toBe(true);
      expectNothingLeft(run);
    },
    READY_MS + forMs + STOP_MS + 10_000,
  );

  test(
    'Ctrl-C (SIGINT to the process group, as a terminal sends it) stops every process it started, removes the temp dir and exits 0',
    async () => {
      const run = startTry([], false);
      await line(run, /^notifications as they arrive/, READY_MS, 'ready banner');
      process.kill(-run.child.pid!, 'SIGINT');
      expect(await exitCode(run, STOP_MS)).toBe(0);
      expect(run.lines.some((l) => /SIGINT received: stopping/.test(l.text))).toBe(true);
      expectNothingLeft(run);
    },
    READY_MS + STOP_MS + 10_000,
  );

  const tryDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('monitoring-try-')));
  const refuse = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const before = tryDirs();
    const r = spawnSync('npm', ['run', '--silent', 'try', '--', '--config', FIXTURE, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect([...tryDirs()].filter((d) => !before.has(d))).toEqual([]);
    return r;
  };

  test('a taken port the user asked for is refused with one line and a non-zero exit', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', () => resolve()));
    try {
      const r = refuse(['--for', '5s', '--prometheus-port', String(port)]);
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBeNull();
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`port ${port} on 127\\.0\\.0\\.1 \\(--prometheus-port\\) is taken`))]);
    } finally {
      holder.close();
    }
  }, 70_000);

  test('a missing binary is refused with one line naming the Debian package, and a non-zero exit', () => {
    const r = refuse(['--for', '5s'], { ...process.env, ALERTMANAGER_BIN: '/nonexistent/alertmanager' });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/ALERTMANAGER_BIN=\/nonexistent\/alertmanager .*Debian package "prometheus-alertmanager"/)]);
  }, 70_000);
});
