/**
 * End to end for a second application with its own metric names (test/fixtures/second-app.yaml, "parley"): the demo
 * app started with that stack's mapping exports `chat_http_requests_total{code="5xx"}` and friends instead of the
 * seed names; real Prometheus and Alertmanager (Debian packages) run the files rendered for the fixture on 127.0.0.1.
 * An injected error rate must fire the catalog's HttpServerErrorRatioHigh on the mapped series, reach the receiver
 * the fixture's critical route names, and resolve once the fault clears.
 *
 * The fixture changes only what one machine needs: targets at the demo app, 1 s intervals, a short `for` and window,
 * every receiver a webhook to the sink at /<receiver name>, Grafana off. A missing binary fails the test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { loadConfigFile, validateStack, REPO_ROOT } from '../../src/load';
import { renderStack } from '../../src/render';
import { parseDuration } from '../../src/duration';
import type { ComponentName, RouteConfig, Stack, StackInput } from '../../src/schema';
import { Delivery, freePort, Proc, promQuery, request, requireBinary, startProcess, startWebhookSink, stopProcess, tail, waitFor } from './harness';

jest.setTimeout(120_000);

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/second-app.yaml');
const TIMINGS = { scrapeInterval: '1s', evaluationInterval: '1s', groupWait: '1s', groupInterval: '2s', for: '3s', window: '10s' } as const;
/** Added to every derived bound: a loaded 2-core machine delays scrapes, evaluations and HTTP round trips. */
const SLACK_MS = 10_000;
const ms = parseDuration;

/** The fixture, as one machine runs it (see the header). */
function e2eInput(fixture: StackInput, ports: { demo: number; sink: number }): StackInput {
  return {
    ...fixture,
    components: { ...fixture.components, grafana: { enabled: false } },
    prometheus: { scrapeInterval: TIMINGS.scrapeInterval, scrapeTimeout: TIMINGS.scrapeInterval, evaluationInterval: TIMINGS.evaluationInterval },
    scrapeTargets: (fixture.scrapeTargets ?? []).map((t) => ({ ...t, targets: [`127.0.0.1:${ports.demo}`] })),
    alerts: {
      ...fixture.alerts,
      overrides: { ...fixture.alerts?.overrides, HttpServerErrorRatioHigh: { ...fixture.alerts?.overrides?.HttpServerErrorRatioHigh, for: TIMINGS.for, window: TIMINGS.window } },
    },
    alertmanager: {
      ...fixture.alertmanager,
      route: { ...fixture.alertmanager.route, groupWait: TIMINGS.groupWait, groupInterval: TIMINGS.groupInterval, repeatInterval: '1h' },
      receivers: fixture.alertmanager.receivers.map((r) => ({ name: r.name, webhook: [{ url: `http://127.0.0.1:${ports.sink}/${r.name}` }] })),
    },
  };
}

const fixture = loadConfigFile(FIXTURE).input as StackInput;
const job = fixture.scrapeTargets![0].job;
const mapping = fixture.scrapeTargets![0].metrics!.http!;
/** The receiver the fixture routes critical alerts to, read from its routing tree. */
const criticalReceiver = (fixture.alertmanager.route.routes as RouteConfig[]).find((r) => r.matchers?.includes('severity="critical"'))!.receiver!;

let tmp: string | undefined;
let sink: Awaited<ReturnType<typeof startWebhookSink>> | undefined;
const procs: Proc[] = [];
let env: { stack: Stack; prom: string; demo: string } | undefined;

beforeAll(async () => {
  const prometheusBin = requireBinary('PROMETHEUS_BIN', ['prometheus']);
  const alertmanagerBin = requireBinary('ALERTMANAGER_BIN', ['prometheus-alertmanager', 'alertmanager']);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-e2e-second-'));
  sink = await startWebhookSink();
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), demo: await freePort() };
  const input = e2eInput(fixture, { demo: ports.demo, sink: sink.port });
  const stack = validateStack(input, 'test/e2e/second-app.test.ts');
  // The demo app reads the same stack file the renderers render, so it exports exactly what the rules expect.
  const stackFile = path.join(tmp, 'stack.yaml');
  fs.writeFileSync(stackFile, yaml.dump(input));
  const started: Partial<Record<ComponentName, number>> = { prometheus: ports.prometheus, alertmanager: ports.alertmanager };
  const files = renderStack(stack, { addressOf: (c) => `127.0.0.1:${started[c] ?? 1}` });
  const filesDir = path.join(tmp, 'files');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(filesDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(filesDir, rel), content);
  }
  const logs = path.join(tmp, 'logs');
  fs.mkdirSync(logs);
  const demoArgs = ['--import', 'tsx', path.join(REPO_ROOT, 'examples/demo-app/main.ts'), '--port', String(ports.demo), '--rps', '50'];
  procs.push(
    startProcess('demo app', process.execPath, [...demoArgs, '--log-dir', path.join(tmp, 'demo-logs'), '--stack-config', stackFile, '--job', job], {
      cwd: REPO_ROOT,
      logFile: path.join(logs, 'demo.log'),
    }),
    startProcess('alertmanager', alertmanagerBin, [
      `--config.file=${path.join(filesDir, 'alertmanager', 'alertmanager.yml')}`,
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
    waitFor('the demo app', ready(`${base(ports.demo)}/healthz`), { timeoutMs: 30_000, procs }),
    waitFor('Alertmanager to be ready', ready(`${base(ports.alertmanager)}/-/ready`), { timeoutMs: 30_000, procs }),
    waitFor('Prometheus to be ready', ready(`${base(ports.prometheus)}/-/ready`), { timeoutMs: 30_000, procs }),
  ]);
  env = { stack, prom: base(ports.prometheus), demo: base(ports.demo) };
}, 90_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await sink?.close();
  if (tmp && process.env.E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
}, 30_000);

const need = () => {
  if (!env || !sink) throw new Error('the e2e environment did not start; see the beforeAll error');
  return { ...env, sink };
};

async function delivery(labels: Record<string, string>, status: string, timeoutMs: number): Promise<Delivery> {
  const { sink: s } = need();
  const match = (d: Delivery) => d.status === status && Object.entries(labels).every(([k, v]) => d.labels[k] === v);
  try {
    return await waitFor(`${labels.alertname} (${status}) at the webhook sink`, () => s.deliveries.find(match), { timeoutMs, intervalMs: 100, procs });
  } catch (err) {
    const seen = s.deliveries.map((d) => `${new Date(d.receivedAt).toISOString()} ${d.receiver}: ${d.labels.alertname}/${d.labels.severity} ${d.status}`);
    const logs = procs.map((p) => `--- ${p.name}\n${tail(p.logFile, 10)}`).join('\n');
    throw new Error(`${(err as Error).message}\nnotifications so far:\n  ${seen.join('\n  ') || '(none)'}\n${logs}`);
  }
}

describe('a second application with its own metric names, run live', () => {
  test('the demo app exports the mapped names and Prometheus scrapes them', async () => {
    const e = need();
    const exported = mapping.names!.http_requests_total!;
    const codeLabel = mapping.labels!.status!;
    const ok = mapping.values!.status!['2..'];
    const found = await waitFor(
      `${exported}{${codeLabel}="${ok}",job="${job}"} in Prometheus`,
      async () => {
        const r = await promQuery(e.prom, `${exported}{${codeLabel}="${ok}",job="${job}"}`);
        return r.length ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, procs },
    );
    expect(found.length).toBeGreaterThan(0);
    expect(await promQuery(e.prom, `http_requests_total{job="${job}"}`)).toEqual([]);
  });

  test('HttpServerErrorRatioHigh fires on the mapped series, reaches the critical receiver, and resolves', async () => {
    const e = need();
    const labels = { alertname: 'HttpServerErrorRatioHigh', severity: 'critical', service: job };
    const faultAt = Date.now();
    expect((await request(`${e.demo}/faults`, { method: 'POST', body: { errorRate: 0.5 } })).status).toBe(200);
    // Two scrapes (rate() needs two samples), an evaluation to start `for`, `for`, one to fire, group_wait, slack.
    const fireBound = 2 * ms(TIMINGS.scrapeInterval) + 2 * ms(TIMINGS.evaluationInterval) + ms(TIMINGS.for) + ms(TIMINGS.groupWait) + SLACK_MS;
    const fired = await delivery(labels, 'firing', fireBound);
    expect(fired.receiver).toBe(criticalReceiver);
    expect(fired.path).toBe(criticalReceiver);
    process.stdout.write(`second app: HttpServerErrorRatioHigh reached ${fired.receiver} ${fired.receivedAt - faultAt} ms after the fault (bound ${fireBound} ms)\n`);

    expect((await request(`${e.demo}/faults`, { method: 'DELETE' })).status).toBe(200);
    const clearedAt = Date.now();
    // The rate window empties of errors, a scrape and an evaluation see it, group_interval flushes, slack.
    const resolveBound = ms(TIMINGS.window) + ms(TIMINGS.scrapeInterval) + ms(TIMINGS.evaluationInterval) + ms(TIMINGS.groupInterval) + SLACK_MS;
    const resolved = await delivery(labels, 'resolved', resolveBound);
    expect(resolved.receiver).toBe(criticalReceiver);
    process.stdout.write(`second app: resolved at ${resolved.receiver} ${resolved.receivedAt - clearedAt} ms after the fault cleared (bound ${resolveBound} ms)\n`);
  });
});
