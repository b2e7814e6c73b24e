/**
 * End to end, probes (issue 18): Debian's blackbox exporter runs the rendered blackbox.yml, real Prometheus scrapes
 * the probe job through it (the rendered relabeling) and evaluates ProbeFailed, real Alertmanager routes it. A tiny
 * HTTP server on 127.0.0.1 serves /health with 200, then 500: the failing health endpoint must reach the receiver
 * that the e2e FIXTURE's route tree names (test/e2e/routing.ts evaluates it from the config), within a bound
 * derived from the probe interval, `for`, the evaluation interval and group_wait (×1.5 + 5 s for a loaded machine).
 * A failure lists every notification that arrived, with its receiver and when, and the process logs. A missing
 * binary fails the test with the Debian package to install. Set E2E_KEEP=1 to keep the temp dir.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { validateStack } from '../../src/load';
import { renderStack } from '../../src/render';
import { resolveAlerts } from '../../src/alerts';
import { ruleLabels } from '../../src/render/rules';
import { parseDuration as ms } from '../../src/duration';
import type { ComponentName, Stack, StackInput } from '../../src/schema';
import { RECEIVERS, ROUTE, TIMINGS } from './fixture';
import { expectedReceivers } from './routing';
import { Delivery, freePort, Proc, promQuery, request, requireBinary, startProcess, startWebhookSink, stopProcess, tail, waitFor } from './harness';

jest.setTimeout(90_000);

/** The probe's own timings: probe every second, ProbeFailed after 2 s (the catalog's is 1m). */
const PROBE = { interval: '1s', timeout: '1s', for: '2s' } as const;
const SERVICE = 'backend';
const withHeadroom = (derivedMs: number) => Math.ceil(derivedMs * 1.5) + 5000;
/** Process start-up (not a config interval): three Go binaries. */
const STARTUP_MS = 30_000;

/** The e2e stack with one probe and no scrape targets: the fixture's route tree and receivers (one per route). */
function probeStackInput(ports: { health: number; sink: number }): StackInput {
  return {
    name: 'e2e-probes',
    environment: 'e2e',
    components: { grafana: { enabled: false }, loki: { enabled: false }, promtail: { enabled: false }, jaeger: { enabled: false } },
    prometheus: { scrapeInterval: TIMINGS.scrapeInterval, scrapeTimeout: TIMINGS.scrapeInterval, evaluationInterval: TIMINGS.evaluationInterval },
    probes: [{ name: 'backend-health', url: `http://127.0.0.1:${ports.health}/health`, interval: PROBE.interval, timeout: PROBE.timeout, labels: { service: SERVICE } }],
    alerts: { overrides: { ProbeFailed: { for: PROBE.for } } },
    alertmanager: {
      route: ROUTE,
      receivers: RECEIVERS.map((name) => ({ name, webhook: [{ url: `http://127.0.0.1:${ports.sink}/${name}`, sendResolved: true }] })),
    },
  };
}

/** /health answers 200 until `failing`, then 500; every answer is recorded for the failure message. */
async function startHealthServer() {
  const state = { failing: false, answers: [] as Array<{ at: number; status: number }> };
  const server = http.createServer((req, res) => {
    const status = req.url === '/health' ? (state.failing ? 500 : 200) : 404;
    state.answers.push({ at: Date.now(), status });
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 200 ? 'healthy' : 'unhealthy' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { state, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let procs: Proc[] = [];
let sink: Awaited<ReturnType<typeof startWebhookSink>> | undefined;
let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
let tmp: string | undefined;
let stack: Stack;
let prom = '';

beforeAll(async () => {
  const bins = {
    prometheus: requireBinary('PROMETHEUS_BIN', ['prometheus']),
    alertmanager: requireBinary('ALERTMANAGER_BIN', ['prometheus-alertmanager', 'alertmanager']),
    blackbox: requireBinary('BLACKBOX_EXPORTER', ['prometheus-blackbox-exporter', 'blackbox_exporter']),
  };
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-e2e-probes-'));
  sink = await startWebhookSink();
  health = await startHealthServer();
  const ports: Partial<Record<ComponentName, number>> = { prometheus: await freePort(), alertmanager: await freePort(), blackbox: await freePort() };
  stack = validateStack(probeStackInput({ health: health.port, sink: sink.port }), 'test/e2e/probes.test.ts');
  const files = renderStack(stack, {
    addressOf: (component) => {
      if (ports[component] === undefined) throw new Error(`the probes e2e test does not run ${component}`);
      return `127.0.0.1:${ports[component]}`;
    },
  });
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), content);
  }
  const log = (name: string) => ({ cwd: tmp!, logFile: path.join(tmp!, `${name}.log`) });
  const listen = (c: ComponentName) => `--web.listen-address=127.0.0.1:${ports[c]}`;
  procs = [
    startProcess('blackbox exporter', bins.blackbox, [`--config.file=${path.join(tmp, 'blackbox/blackbox.yml')}`, listen('blackbox')], log('blackbox')),
    startProcess('alertmanager', bins.alertmanager, [`--config.file=${path.join(tmp, 'alertmanager/alertmanager.yml')}`, listen('alertmanager'), '--cluster.listen-address=', `--storage.path=${path.join(tmp, 'am-data')}`], log('alertmanager')),
    startProcess('prometheus', bins.prometheus, [`--config.file=${path.join(tmp, 'prometheus/prometheus.yml')}`, listen('prometheus'), `--storage.tsdb.path=${path.join(tmp, 'prom-data')}`], log('prometheus')),
  ];
  const ready = (url: string) => async () => ((await request(url, { timeoutMs: 1000 })).status === 200 ? true : undefined);
  prom = `http://127.0.0.1:${ports.prometheus}`;
  await Promise.all([
    waitFor('the blackbox exporter', ready(`http://127.0.0.1:${ports.blackbox}/-/healthy`), { timeoutMs: STARTUP_MS, procs }),
    waitFor('Alertmanager', ready(`http://127.0.0.1:${ports.alertmanager}/-/ready`), { timeoutMs: STARTUP_MS, procs }),
    waitFor('Prometheus', ready(`${prom}/-/ready`), { timeoutMs: STARTUP_MS, procs }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await sink?.close();
  await health?.close();
  if (tmp && process.env.E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) process.stderr.write(`e2e files kept in ${tmp}\n`);
}, 30_000);

/** What arrived and when (relative to `since`), what /health answered, and the logs: for a failure message. */
function report(since: number): string {
  const lines = (sink?.deliveries ?? []).map((d) => `+${d.receivedAt - since} ms  ${d.receiver}: ${d.labels.alertname}/${d.labels.severity}/${d.labels.service ?? '-'} ${d.status}`);
  const answers = (health?.state.answers ?? []).slice(-8).map((a) => `+${a.at - since} ms ${a.status}`);
  return `notifications (+ms):\n  ${[...new Set(lines)].join('\n  ') || '(none)'}\n/health answered: ${answers.join(', ') || 'never'}\n` +
    procs.map((p) => `--- ${p.name}\n${tail(p.logFile, 10)}`).join('\n');
}

const probeFailed = (d: Delivery, status = 'firing') => d.labels.alertname === 'ProbeFailed' && d.status === status;

describe('a failing /health, probed by the blackbox exporter, reaches the receiver its route names', () => {
  let healthyAt = 0;

  test('while /health answers 200 the probe succeeds and nothing about it is sent', async () => {
    const since = Date.now();
    // Two probe rounds after Prometheus is ready (the first can start up to one interval late).
    const bound = withHeadroom(2 * ms(PROBE.interval) + ms(TIMINGS.scrapeInterval));
    const job = stack.probes[0].name;
    try {
      await waitFor(`probe_success{job="${job}"} == 1`, async () => ((await promQuery(prom, `probe_success{job="${job}"} == 1`)).length ? true : undefined), { timeoutMs: bound, procs });
    } catch (err) {
      throw new Error(`${(err as Error).message} (bound ${bound} ms)\n${report(since)}`);
    }
    healthyAt = Date.now();
    expect(health!.state.answers.some((a) => a.status === 200)).toBe(true);
    expect(sink!.deliveries.filter((d) => probeFailed(d))).toEqual([]);
  });

  test('after /health turns to 500, ProbeFailed arrives at the expected receiver within the derived bound', async () => {
    expect(healthyAt).toBeGreaterThan(0);
    const rule = resolveAlerts(stack).flatMap((g) => g.rules).find((r) => r.name === 'ProbeFailed')!;
    const labels = { alertname: rule.name, ...ruleLabels(rule), service: SERVICE };
    const expected = expectedReceivers(stack.alertmanager.route, labels);
    expect(expected).toHaveLength(1);
    health!.state.failing = true;
    const since = Date.now();
    // The probe that sees the 500 (one interval, plus its timeout), the evaluation that starts `for`, `for`, the
    // evaluation that finds it elapsed, and Alertmanager's group_wait.
    const bound = withHeadroom(ms(PROBE.interval) + ms(PROBE.timeout) + 2 * ms(TIMINGS.evaluationInterval) + ms(rule.for) + ms(TIMINGS.groupWait));
    let got: Delivery;
    try {
      got = await waitFor('ProbeFailed at the webhook sink', () => sink!.deliveries.find((d) => probeFailed(d)), { timeoutMs: bound, intervalMs: 100, procs });
    } catch (err) {
      throw new Error(`${(err as Error).message} (bound ${bound} ms)\n${report(since)}`);
    }
    process.stdout.write(`ProbeFailed firing at ${got.receiver} after ${got.receivedAt - since} ms (bound ${bound} ms)\n`);
    expect(got.receiver).toBe(expected[0]);
    expect(got.receivedAt - since).toBeLessThanOrEqual(bound);
    expect(got.labels).toMatchObject({ ...labels, job: stack.probes[0].name, instance: stack.probes[0].url });
    expect(sink!.deliveries.filter((d) => probeFailed(d) && d.receiver !== expected[0]).map((d) => d.receiver)).toEqual([]);
  });
});
