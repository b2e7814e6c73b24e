/**
 * End to end: real Prometheus and Alertmanager (Debian packages) run the files the renderers produce for the
 * e2e fixture stack (test/e2e/fixture.ts, independent of stacks/*), scrape the demo app, and notify a webhook sink.
 * Faults injected into the demo app must reach the receiver that the FIXTURE's route tree names (evaluated by
 * test/e2e/routing.ts from the config, not asked of the rendered file), within a bound derived from `for` and the
 * intervals; an inhibited warning must not be delivered; a cleared fault must resolve.
 *
 * Every wait has a bound derived from the fixture's intervals, with headroom for a loaded 2-core machine, and each
 * bound is asserted on the arrival time; a failure lists every notification that arrived, with its receiver and
 * when. A missing binary fails the test (it names the Debian package), it never skips. Every process is stopped in
 * afterAll. Set E2E_KEEP=1 to keep the temp dir (rendered files, data, process logs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateStack, REPO_ROOT } from '../../src/load';
import { renderStack } from '../../src/render';
import { parseDuration } from '../../src/duration';
import { parsePromQL } from '../../src/promql';
import type { ComponentName, Stack } from '../../src/schema';
import { e2eStackInput, FOR, TIMINGS, WINDOW } from './fixture';
import { expectedReceivers } from './routing';
import {
  Delivery,
  freePort,
  getJson,
  Proc,
  promQuery,
  request,
  requireBinary,
  sleep,
  startProcess,
  startWebhookSink,
  stopProcess,
  tail,
  waitFor,
} from './harness';

jest.setTimeout(90_000);

const SERVICE = 'backend';
const ms = parseDuration;
/**
 * Headroom on every bound derived from the intervals: ×1.5 for a loaded 2-core machine (Prometheus evaluations and
 * Alertmanager flushes run late), plus fixed slack for process scheduling, HTTP round trips and timer drift.
 */
const LOAD_FACTOR = 1.5;
const SLACK_MS = 5000;
const withHeadroom = (derivedMs: number) => Math.ceil(derivedMs * LOAD_FACTOR) + SLACK_MS;
/** Process start-up (not a config interval): a Node process with tsx, and two Go binaries opening their storage. */
const STARTUP_MS = 30_000;

interface Env {
  tmp: string;
  stack: Stack;
  procs: Proc[];
  sink: Awaited<ReturnType<typeof startWebhookSink>>;
  prom: string;
  am: string;
  demo: string;
  upAt: number;
  faultsAt: number;
}

let env: Env | undefined;
const procs: Proc[] = [];
let sink: Env['sink'] | undefined;
let tmp: string | undefined;

const need = (): Env => {
  if (!env) throw new Error('the e2e environment did not start; see the beforeAll error');
  return env;
};
/** The environment, once the first test has injected the faults. */
const injected = (): Env => {
  const e = need();
  if (!e.faultsAt) throw new Error('the faults were not injected; see the first test');
  return e;
};

beforeAll(async () => {
  // Binaries first: a machine without them fails here, with the package to install.
  const prometheusBin = requireBinary('PROMETHEUS_BIN', ['prometheus']);
  const alertmanagerBin = requireBinary('ALERTMANAGER_BIN', ['prometheus-alertmanager', 'alertmanager']);

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-e2e-'));
  sink = await startWebhookSink();
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), demo: await freePort() };

  const input = e2eStackInput({ demo: ports.demo, sink: sink.port });
  const stack = validateStack(input, 'test/e2e/fixture.ts');
  const started: Partial<Record<ComponentName, number>> = { prometheus: ports.prometheus, alertmanager: ports.alertmanager };
  const files = renderStack(stack, {
    addressOf: (component) => {
      const port = started[component];
      if (port === undefined) throw new Error(`the e2e test does not run ${component}`);
      return `127.0.0.1:${port}`;
    },
  });
  const filesDir = path.join(tmp, 'files');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(filesDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(filesDir, rel), content);
  }
  const amConfig = path.join(filesDir, 'alertmanager', 'alertmanager.yml');
  fs.accessSync(amConfig);
  const logs = path.join(tmp, 'logs');
  fs.mkdirSync(logs);

  procs.push(
    startProcess('demo app', process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'examples/demo-app/main.ts'), '--port', String(ports.demo), '--log-dir', path.join(tmp, 'demo-logs'), '--rps', '50'], {
      cwd: REPO_ROOT,
      logFile: path.join(logs, 'demo.log'),
    }),
    startProcess('alertmanager', alertmanagerBin, [
      `--config.file=${amConfig}`,
      `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
      '--cluster.listen-address=',
      `--storage.path=${path.join(tmp, 'alertmanager-data')}`,
      '--log.level=warn',
    ], { cwd: tmp, logFile: path.join(logs, 'alertmanager.log') }),
    startProcess('prometheus', prometheusBin, [
      `--config.file=${path.join(filesDir, 'prometheus', 'prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      `--storage.tsdb.path=${path.join(tmp, 'prometheus-data')}`,
      '--log.level=warn',
    ], { cwd: tmp, logFile: path.join(logs, 'prometheus.log') }),
  );

  const base = (port: number) => `http://127.0.0.1:${port}`;
  const ready = (url: string) => async () => ((await request(url, { timeoutMs: 1000 })).status === 200 ? true : undefined);
  await Promise.all([
    waitFor('the demo app', ready(`${base(ports.demo)}/healthz`), { timeoutMs: STARTUP_MS, procs }),
    waitFor('Alertmanager to be ready', ready(`${base(ports.alertmanager)}/-/ready`), { timeoutMs: STARTUP_MS, procs }),
    waitFor('Prometheus to be ready', ready(`${base(ports.prometheus)}/-/ready`), { timeoutMs: STARTUP_MS, procs }),
  ]);
  env = {
    tmp,
    stack,
    procs,
    sink,
    prom: base(ports.prometheus),
    am: base(ports.alertmanager),
    demo: base(ports.demo),
    upAt: 0,
    faultsAt: 0,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await sink?.close();
  if (tmp && process.env.E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) process.stderr.write(`e2e files kept in ${tmp}\n`);
}, 30_000);

/** The receiver the fixture's route tree names for an alert with these labels (exactly one in this fixture). */
function expectedReceiver(e: Env, labels: Record<string, string>): string {
  const receivers = expectedReceivers(e.stack.alertmanager.route, labels);
  expect(receivers).toHaveLength(1);
  return receivers[0];
}

const matches = (d: Delivery, labels: Record<string, string>, status = 'firing') =>
  d.status === status && Object.entries(labels).every(([k, v]) => d.labels[k] === v);

/** Every notification so far, with its receiver and arrival time relative to `since`, for failure messages. */
function arrivals(e: Env, since: number): string {
  const lines = e.sink.deliveries.map(
    (d) => `+${d.receivedAt - since} ms  ${d.receiver} (/${d.path}): ${d.labels.alertname}/${d.labels.severity}/${d.labels.service ?? '-'} ${d.status}`,
  );
  return [...new Set(lines)].join('\n  ') || '(none)';
}

/**
 * Waits for a notification of an alert with `labels` within `bound` ms of `since`, and asserts the bound on its
 * arrival time. Either failure lists what arrived and when, and the process logs.
 */
async function arrival(e: Env, what: string, labels: Record<string, string>, since: number, bound: number, status = 'firing'): Promise<Delivery> {
  const fail = (message: string) =>
    new Error(
      `${message}\nnotifications since the start (+ms):\n  ${arrivals(e, since)}\n` + e.procs.map((p) => `--- ${p.name}\n${tail(p.logFile, 10)}`).join('\n'),
    );
  let got: Delivery;
  try {
    got = await waitFor(`${what} (${status}) at the webhook sink`, () => e.sink.deliveries.find((d) => matches(d, labels, status)), {
      timeoutMs: Math.max(0, since + bound - Date.now()),
      intervalMs: 100,
      procs: e.procs,
    });
  } catch (err) {
    throw fail(`${(err as Error).message} (bound ${bound} ms)`);
  }
  if (got.receivedAt - since > bound) throw fail(`${what} (${status}) arrived after ${got.receivedAt - since} ms, bound ${bound} ms`);
  process.stdout.write(`${what} ${status} at ${got.receiver} after ${got.receivedAt - since} ms (bound ${bound} ms)\n`);
  return got;
}

/**
 * Upper bound from injecting a fault to the notification of an alert that fires on it: the first scrape that shows
 * the change and one more (rate() needs two samples of a new series), the evaluation that starts `for`, `for`
 * itself, the evaluation that finds it elapsed, Alertmanager's group_wait; with headroom. `crossingMs` is the time a
 * ratio over a window that still holds the healthy baseline needs to cross its threshold.
 */
function firingBound(alertFor: string, crossingMs = 0): number {
  return withHeadroom(2 * ms(TIMINGS.scrapeInterval) + 2 * ms(TIMINGS.evaluationInterval) + ms(alertFor) + ms(TIMINGS.groupWait) + crossingMs);
}

/** From a cleared fault to the resolved notification: the scrape that shows it, the evaluation, the group_interval flush. */
const resolveBound = (windowMs = 0) => withHeadroom(windowMs + ms(TIMINGS.scrapeInterval) + ms(TIMINGS.evaluationInterval) + ms(TIMINGS.groupInterval));

describe('the rendered e2e fixture stack, run by real Prometheus and Alertmanager', () => {
  test('every scrape target is up before faults are injected', async () => {
    const e = need();
    const jobs = ['prometheus', 'alertmanager', ...e.stack.scrapeTargets.map((t) => t.job)];
    const startedAt = Date.now();
    // Two scrape rounds after Prometheus is ready (the first can start up to one interval late).
    const bound = withHeadroom(2 * ms(TIMINGS.scrapeInterval));
    await waitFor(
      `all ${jobs.length} scrape targets up within ${bound} ms`,
      async () => {
        const res = await getJson(`${e.prom}/api/v1/targets?state=active`);
        const targets: Array<{ labels: { job: string }; health: string }> = res.data.activeTargets;
        const up = new Set(targets.filter((t) => t.health === 'up').map((t) => t.labels.job));
        return targets.length === jobs.length && jobs.every((j) => up.has(j)) ? true : undefined;
      },
      { timeoutMs: bound, procs: e.procs },
    );
    e.upAt = Date.now();
    expect(e.upAt - startedAt).toBeLessThanOrEqual(bound + 1000); // waitFor's last probe may finish just after
    // A few seconds of healthy traffic, so ratios and quantiles have a baseline before the faults.
    await sleep(3000);
    const res = await request(`${e.demo}/faults`, { method: 'POST', body: { errorRate: 0.5, latencyMs: 6000, dependencyDown: 'redis' } });
    expect(res.status).toBe(200);
    e.faultsAt = Date.now();
  });

  test('the critical error-rate alert reaches the receiver its route names, within the derived bound', async () => {
    const e = injected();
    const labels = { alertname: 'HttpServerErrorRatioHigh', severity: 'critical', service: SERVICE };
    const expected = expectedReceiver(e, labels);
    const got = await arrival(e, 'HttpServerErrorRatioHigh', labels, e.faultsAt, firingBound(FOR.HttpServerErrorRatioHigh));
    expect(got.receiver).toBe(expected);
    expect(got.path).toBe(expected);
  });

  test('a warning inhibited by its critical is not delivered, while other warnings are', async () => {
    const e = injected();
    const critical = { alertname: 'HttpLatencyP95High', severity: 'critical', service: SERVICE };
    const warning = { ...critical, severity: 'warning' };
    const bound = firingBound(FOR.HttpLatencyP95High);
    const got = await arrival(e, 'critical HttpLatencyP95High', critical, e.faultsAt, bound);
    expect(got.receiver).toBe(expectedReceiver(e, critical));

    // Alertmanager holds the warning and marks it inhibited by the critical: both fire on the same fault (6 s is
    // above both tiers), so within the same bound.
    const held = await waitFor(
      'the HttpLatencyP95High warning to be inhibited in Alertmanager',
      async () => {
        const filter = Object.entries(warning).map(([k, v]) => `filter=${encodeURIComponent(`${k}="${v}"`)}`).join('&');
        const alerts: Array<{ status: { state: string; inhibitedBy: string[] } }> = await getJson(`${e.am}/api/v2/alerts?${filter}`);
        return alerts.find((a) => a.status.state === 'suppressed' && a.status.inhibitedBy.length > 0);
      },
      { timeoutMs: Math.max(0, e.faultsAt + bound - Date.now()), intervalMs: 200, procs: e.procs },
    );
    expect(held.status.inhibitedBy.length).toBeGreaterThan(0);

    // ... the warning route works (a warning that nothing inhibits arrives there; its miss ratio over a window that
    // still holds the healthy baseline crosses 50 % after at most that baseline again, all requests missing) ...
    const control = { alertname: 'CacheMissRatioHigh', severity: 'warning', service: SERVICE };
    const controlReceiver = expectedReceiver(e, control);
    expect(expectedReceiver(e, warning)).toBe(controlReceiver);
    const arrived = await arrival(e, 'the uninhibited CacheMissRatioHigh warning', control, e.faultsAt, firingBound(FOR.CacheMissRatioHigh, e.faultsAt - e.upAt));
    expect(arrived.receiver).toBe(controlReceiver);

    // ... and through group_wait and a group_interval more (an observation window, not a bound), the inhibited
    // warning never reaches any receiver.
    await sleep(ms(TIMINGS.groupWait) + ms(TIMINGS.groupInterval) + 2000);
    expect(e.sink.deliveries.filter((d) => matches(d, warning)).map((d) => `${d.receiver} +${d.receivedAt - e.faultsAt} ms`)).toEqual([]);
  });

  test('a dependency-down alert fires, and resolved notifications arrive after the faults clear', async () => {
    const e = injected();
    const labels = { alertname: 'RedisDown', severity: 'critical' };
    const fired = await arrival(e, 'RedisDown', labels, e.faultsAt, firingBound(FOR.RedisDown));
    expect(fired.receiver).toBe(expectedReceiver(e, { ...labels, service: 'redis' }));

    const res = await request(`${e.demo}/faults`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const clearedAt = Date.now();
    const resolved = await arrival(e, 'RedisDown', labels, clearedAt, resolveBound(), 'resolved');
    expect(resolved.receiver).toBe(fired.receiver);

    // The error-rate alert resolves once its rate window no longer holds the errors.
    const errorLabels = { alertname: 'HttpServerErrorRatioHigh', severity: 'critical', service: SERVICE };
    const errorResolved = await arrival(e, 'HttpServerErrorRatioHigh', errorLabels, clearedAt, resolveBound(ms(WINDOW.HttpServerErrorRatioHigh)), 'resolved');
    expect(errorResolved.receiver).toBe(expectedReceiver(e, errorLabels));
  });

  test('all targets are up, no rule evaluation failed, and every metric the rules read has data', async () => {
    const e = need();
    const targets: Array<{ labels: { job: string }; health: string; lastError: string }> = (await getJson(`${e.prom}/api/v1/targets?state=active`)).data.activeTargets;
    expect(targets.filter((t) => t.health !== 'up').map((t) => `${t.labels.job}: ${t.health} ${t.lastError}`)).toEqual([]);

    const failures = await promQuery(e.prom, 'sum(prometheus_rule_evaluation_failures_total)');
    expect(failures).toHaveLength(1);
    expect(Number(failures[0].value[1])).toBe(0);

    const groups: Array<{ name: string; rules: Array<{ name: string; query: string; health: string; lastError?: string }> }> = (await getJson(`${e.prom}/api/v1/rules`)).data.groups;
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);

    const metrics = new Set(rules.flatMap((r) => parsePromQL(r.query).selectors.map((s) => s.metric)).filter((m): m is string => !!m));
    const missing: string[] = [];
    for (const metric of metrics) {
      if ((await promQuery(e.prom, `count({__name__="${metric}"})`)).length === 0) missing.push(metric);
    }
    expect(missing).toEqual([]);
  });
});
