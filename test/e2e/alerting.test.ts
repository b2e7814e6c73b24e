/**
 * End to end: real Prometheus and Alertmanager (Debian packages) run the files the renderers produce for the
 * e2e stack (test/e2e/fixture.ts, the dev stack on 127.0.0.1), scrape the demo app, and notify a webhook sink.
 * Faults injected into the demo app must reach the receiver the routing tree names, within a bound derived from
 * `for` and the intervals; an inhibited warning must not be delivered; a cleared fault must resolve.
 *
 * A missing binary fails the test (it names the Debian package), it never skips. Every wait is bounded, and every
 * process is stopped in afterAll. Set E2E_KEEP=1 to keep the temp dir (rendered files, data, process logs).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateStack, REPO_ROOT } from '../../src/load';
import { renderStack } from '../../src/render';
import { parseDuration } from '../../src/duration';
import { parsePromQL } from '../../src/promql';
import type { ComponentName, Stack, StackInput } from '../../src/schema';
import { e2eStackInput, FOR, TIMINGS, WINDOW } from './fixture';
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
/** Added to every derived bound: process scheduling, HTTP round trips, timer drift. */
const SLACK_MS = 5000;
const ms = parseDuration;

interface Env {
  tmp: string;
  stack: Stack;
  procs: Proc[];
  sink: Awaited<ReturnType<typeof startWebhookSink>>;
  prom: string;
  am: string;
  demo: string;
  amtool: string;
  amConfig: string;
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
  const amtool = requireBinary('AMTOOL_BIN', ['amtool']);

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-e2e-'));
  sink = await startWebhookSink();
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), demo: await freePort() };

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dev = JSON.parse(JSON.stringify(require('../../stacks/dev').default)) as StackInput;
  const stack = validateStack(e2eStackInput(dev, { demo: ports.demo, sink: sink.port }), 'test/e2e/fixture.ts');
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
    waitFor('the demo app', ready(`${base(ports.demo)}/healthz`), { timeoutMs: 20_000, procs }),
    waitFor('Alertmanager to be ready', ready(`${base(ports.alertmanager)}/-/ready`), { timeoutMs: 20_000, procs }),
    waitFor('Prometheus to be ready', ready(`${base(ports.prometheus)}/-/ready`), { timeoutMs: 20_000, procs }),
  ]);
  env = {
    tmp,
    stack,
    procs,
    sink,
    prom: base(ports.prometheus),
    am: base(ports.alertmanager),
    demo: base(ports.demo),
    amtool,
    amConfig,
    faultsAt: 0,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await sink?.close();
  if (tmp && process.env.E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) process.stderr.write(`e2e files kept in ${tmp}\n`);
}, 30_000);

/** What Alertmanager's own routing (amtool, on the rendered file) says an alert with these labels reaches. */
function routedReceivers(e: Env, labels: Record<string, string>): string[] {
  const out = execFileSync(e.amtool, ['config', 'routes', 'test', `--config.file=${e.amConfig}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.trim().split(',').map((s) => s.trim()).filter(Boolean);
}

const matches = (d: Delivery, labels: Record<string, string>, status = 'firing') =>
  d.status === status && Object.entries(labels).every(([k, v]) => d.labels[k] === v);

/** Waits for a notification of an alert with `labels`; returns it. */
async function delivery(e: Env, what: string, labels: Record<string, string>, timeoutMs: number, status = 'firing'): Promise<Delivery> {
  try {
    return await waitFor(`${what} (${status}) at the webhook sink`, () => e.sink.deliveries.find((d) => matches(d, labels, status)), {
      timeoutMs,
      intervalMs: 100,
      procs: e.procs,
    });
  } catch (err) {
    const seen = e.sink.deliveries.map((d) => `${d.receiver}: ${d.labels.alertname}/${d.labels.severity}/${d.labels.service} ${d.status}`);
    const logs = e.procs.map((p) => `--- ${p.name}\n${tail(p.logFile, 10)}`).join('\n');
    throw new Error(`${(err as Error).message}\nnotifications so far:\n  ${[...new Set(seen)].join('\n  ') || '(none)'}\n${logs}`);
  }
}

/**
 * Upper bound from injecting a fault to the notification of an alert that fires on it: the first scrape that shows
 * the change and one more (rate() needs two samples of a new series), the evaluation that starts `for`, `for`
 * itself, the evaluation that finds it elapsed, Alertmanager's group_wait, and slack.
 */
function firingBound(alertFor: string): number {
  return 2 * ms(TIMINGS.scrapeInterval) + 2 * ms(TIMINGS.evaluationInterval) + ms(alertFor) + ms(TIMINGS.groupWait) + SLACK_MS;
}

describe('the rendered dev stack, run by real Prometheus and Alertmanager', () => {
  test('every scrape target is up before faults are injected', async () => {
    const e = need();
    const jobs = ['prometheus', 'alertmanager', ...e.stack.scrapeTargets.map((t) => t.job)];
    await waitFor(
      `all ${jobs.length} scrape targets up`,
      async () => {
        const res = await getJson(`${e.prom}/api/v1/targets?state=active`);
        const targets: Array<{ labels: { job: string }; health: string }> = res.data.activeTargets;
        const up = new Set(targets.filter((t) => t.health === 'up').map((t) => t.labels.job));
        return targets.length === jobs.length && jobs.every((j) => up.has(j)) ? true : undefined;
      },
      { timeoutMs: 20_000, procs: e.procs },
    );
    // A few seconds of healthy traffic, so ratios and quantiles have a baseline before the faults.
    await sleep(3000);
    const res = await request(`${e.demo}/faults`, { method: 'POST', body: { errorRate: 0.5, latencyMs: 6000, dependencyDown: 'redis' } });
    expect(res.status).toBe(200);
    e.faultsAt = Date.now();
  });

  test('the critical error-rate alert reaches the receiver its route names, within the derived bound', async () => {
    const e = injected();
    const labels = { alertname: 'HttpServerErrorRatioHigh', severity: 'critical', service: SERVICE };
    const expected = routedReceivers(e, labels);
    expect(expected.length).toBeGreaterThan(0);
    const bound = firingBound(FOR.HttpServerErrorRatioHigh);
    const got = await delivery(e, 'HttpServerErrorRatioHigh', labels, bound - (Date.now() - e.faultsAt));
    expect(got.receiver).toBe(expected[0]);
    expect(got.path).toBe(expected[0]);
    expect(got.receivedAt - e.faultsAt).toBeLessThanOrEqual(bound);
    process.stdout.write(`HttpServerErrorRatioHigh reached ${got.receiver} ${got.receivedAt - e.faultsAt} ms after the fault (bound ${bound} ms)\n`);
  });

  test('a warning inhibited by its critical is not delivered, while other warnings are', async () => {
    const e = injected();
    const critical = { alertname: 'HttpLatencyP95High', severity: 'critical', service: SERVICE };
    const warning = { ...critical, severity: 'warning' };
    const bound = firingBound(FOR.HttpLatencyP95High);
    const got = await delivery(e, 'critical HttpLatencyP95High', critical, Math.max(0, bound - (Date.now() - e.faultsAt)));
    expect(got.receiver).toBe(routedReceivers(e, critical)[0]);

    // Alertmanager holds the warning and marks it inhibited by the critical.
    const held = await waitFor(
      'the HttpLatencyP95High warning to be inhibited in Alertmanager',
      async () => {
        const filter = Object.entries(warning).map(([k, v]) => `filter=${encodeURIComponent(`${k}="${v}"`)}`).join('&');
        const alerts: Array<{ status: { state: string; inhibitedBy: string[] } }> = await getJson(`${e.am}/api/v2/alerts?${filter}`);
        return alerts.find((a) => a.status.state === 'suppressed' && a.status.inhibitedBy.length > 0);
      },
      { timeoutMs: 10_000, intervalMs: 200, procs: e.procs },
    );
    expect(held.status.inhibitedBy.length).toBeGreaterThan(0);

    // The warning route works (a warning that nothing inhibits arrives there) ...
    const control = { alertname: 'CacheMissRatioHigh', severity: 'warning', service: SERVICE };
    const controlReceiver = routedReceivers(e, control)[0];
    expect(routedReceivers(e, warning)[0]).toBe(controlReceiver);
    const arrived = await delivery(e, 'the uninhibited CacheMissRatioHigh warning', control, 30_000);
    expect(arrived.receiver).toBe(controlReceiver);

    // ... and through group_wait and a group_interval more, the inhibited warning never reaches any receiver.
    await sleep(ms(TIMINGS.groupWait) + ms(TIMINGS.groupInterval) + 2000);
    expect(e.sink.deliveries.filter((d) => matches(d, warning))).toEqual([]);
  });

  test('a dependency-down alert fires, and resolved notifications arrive after the faults clear', async () => {
    const e = injected();
    const labels = { alertname: 'RedisDown', severity: 'critical' };
    const fired = await delivery(e, 'RedisDown', labels, Math.max(0, firingBound(FOR.RedisDown) - (Date.now() - e.faultsAt)));
    expect(fired.receiver).toBe(routedReceivers(e, { ...labels, service: 'redis' })[0]);

    const res = await request(`${e.demo}/faults`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const clearedAt = Date.now();
    // The scrape that shows redis_up 1, the evaluation that resolves the alert, the group_interval flush, slack.
    const bound = ms(TIMINGS.scrapeInterval) + ms(TIMINGS.evaluationInterval) + ms(TIMINGS.groupInterval) + SLACK_MS;
    const resolved = await delivery(e, 'RedisDown', labels, bound, 'resolved');
    expect(resolved.receiver).toBe(fired.receiver);
    process.stdout.write(`RedisDown resolved at ${resolved.receiver} ${resolved.receivedAt - clearedAt} ms after the fault cleared (bound ${bound} ms)\n`);

    // The error-rate alert resolves once its rate window no longer holds the errors.
    const errorLabels = { alertname: 'HttpServerErrorRatioHigh', severity: 'critical', service: SERVICE };
    const errorBound = ms(WINDOW.HttpServerErrorRatioHigh) + bound;
    const errorResolved = await delivery(e, 'HttpServerErrorRatioHigh', errorLabels, Math.max(0, errorBound - (Date.now() - clearedAt)), 'resolved');
    expect(errorResolved.receiver).toBe(routedReceivers(e, errorLabels)[0]);
    expect(errorResolved.receivedAt - clearedAt).toBeLessThanOrEqual(errorBound);
    process.stdout.write(`HttpServerErrorRatioHigh resolved at ${errorResolved.receiver} ${errorResolved.receivedAt - clearedAt} ms after the fault cleared (bound ${errorBound} ms)\n`);
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
