/**
 * End to end: overriding a catalog alert's threshold, `for` and window changes the text of the notification a
 * receiver gets. Real Prometheus and Alertmanager (Debian packages) run the rendered files of a small fixture stack
 * (the demo app as the only application, one webhook receiver) on 127.0.0.1; the demo app's error fault makes
 * HttpServerErrorRatioHigh fire, and the webhook payload's annotations must show the overridden numbers. The
 * expected words come from the override values below, not from the rendered files.
 *
 * A missing binary fails the test (it names the Debian package). Every wait is bounded; every process is stopped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateStack, REPO_ROOT } from '../../src/load';
import { renderStack } from '../../src/render';
import type { ComponentName, StackInput } from '../../src/schema';
import { Delivery, freePort, Proc, request, requireBinary, startProcess, startWebhookSink, stopProcess, tail, waitFor } from './harness';

jest.setTimeout(120_000);

/** The overrides under test: none of them is the catalog's value (1 %, 5 minutes, 5 minutes). */
const OVERRIDE = { threshold: 0.2, for: '3s', window: '7s' } as const;
const SECONDS = { scrape: 1, evaluation: 1, groupWait: 1, groupInterval: 2 };
/** Process scheduling, HTTP round trips and timer drift on a loaded 2-core machine. */
const SLACK_MS = 10_000;
const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)![1]);

function fixture(ports: { demo: number; sink: number }): StackInput {
  return {
    name: 'e2e-text',
    environment: 'e2e',
    components: { grafana: { enabled: false }, loki: { enabled: false }, promtail: { enabled: false }, jaeger: { enabled: false } },
    prometheus: { scrapeInterval: `${SECONDS.scrape}s`, scrapeTimeout: `${SECONDS.scrape}s`, evaluationInterval: `${SECONDS.evaluation}s`, retentionTime: '1h' },
    scrapeTargets: [{ job: 'backend', targets: [`127.0.0.1:${ports.demo}`], ruleSets: ['http'] }],
    alerts: { overrides: { HttpServerErrorRatioHigh: { ...OVERRIDE } } },
    alertmanager: {
      route: { receiver: 'team', groupWait: `${SECONDS.groupWait}s`, groupInterval: `${SECONDS.groupInterval}s`, repeatInterval: '1h' },
      receivers: [{ name: 'team', webhook: [{ url: `http://127.0.0.1:${ports.sink}/team`, sendResolved: true }] }],
    },
  };
}

const procs: Proc[] = [];
let sink: Awaited<ReturnType<typeof startWebhookSink>> | undefined;
let tmp: string | undefined;
let demo = '';
const start = Date.now();

beforeAll(async () => {
  const prometheusBin = requireBinary('PROMETHEUS_BIN', ['prometheus']);
  const alertmanagerBin = requireBinary('ALERTMANAGER_BIN', ['prometheus-alertmanager', 'alertmanager']);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-e2e-text-'));
  sink = await startWebhookSink();
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), demo: await freePort() };
  const stack = validateStack(fixture({ demo: ports.demo, sink: sink.port }), 'test/e2e/alert-text.test.ts');
  const started: Partial<Record<ComponentName, number>> = { prometheus: ports.prometheus, alertmanager: ports.alertmanager };
  const files = renderStack(stack, { addressOf: (c) => `127.0.0.1:${started[c] ?? 1}` });
  const filesDir = path.join(tmp, 'files');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(filesDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(filesDir, rel), content);
  }
  const logs = path.join(tmp, 'logs');
  fs.mkdirSync(logs);
  procs.push(
    startProcess('demo app', process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'examples/demo-app/main.ts'), '--port', String(ports.demo), '--log-dir', path.join(tmp, 'demo-logs'), '--rps', '50'], {
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
      // Resend firing alerts every second, so one sent before Alertmanager was discovered is not held for a minute.
      '--rules.alert.resend-delay=1s',
      '--log.level=warn',
    ], { cwd: tmp, logFile: path.join(logs, 'prometheus.log') }),
  );
  const ready = (url: string) => async () => ((await request(url, { timeoutMs: 1000 })).status === 200 ? true : undefined);
  demo = `http://127.0.0.1:${ports.demo}`;
  await Promise.all([
    waitFor('the demo app', ready(`${demo}/healthz`), { timeoutMs: 30_000, procs }),
    waitFor('Alertmanager', ready(`http://127.0.0.1:${ports.alertmanager}/-/ready`), { timeoutMs: 30_000, procs }),
    waitFor('Prometheus', ready(`http://127.0.0.1:${ports.prometheus}/-/ready`), { timeoutMs: 30_000, procs }),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await sink?.close();
  if (tmp && process.env.E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
}, 30_000);

async function delivered(what: string, find: (d: Delivery) => boolean, timeoutMs: number): Promise<Delivery> {
  try {
    return await waitFor(what, () => sink!.deliveries.find(find), { timeoutMs, intervalMs: 100, procs });
  } catch (err) {
    const seen = sink!.deliveries.map((d) => `${d.labels.alertname}/${d.labels.severity} ${d.status} at +${d.receivedAt - start} ms: ${JSON.stringify(d.annotations)}`);
    throw new Error(`${(err as Error).message}\nnotifications so far:\n  ${seen.join('\n  ') || '(none)'}\n${procs.map((p) => `--- ${p.name}\n${tail(p.logFile, 10)}`).join('\n')}`);
  }
}
test('the notification of an overridden alert carries the overridden threshold, for and window', async () => {
  // The always-firing Watchdog proves the pipeline delivers before the fault: its evaluation, the resend delay,
  // group_wait, and slack for discovering Alertmanager.
  await delivered('the Watchdog', (d) => d.labels.alertname === 'Watchdog', 2 * SECONDS.evaluation * 1000 + 1000 + SECONDS.groupWait * 1000 + 3 * SLACK_MS);
  // A window of healthy traffic first, so the ratio starts from a real baseline.
  await new Promise((r) => setTimeout(r, seconds(OVERRIDE.window) * 1000));
  expect((await request(`${demo}/faults`, { method: 'POST', body: { errorRate: 0.5 } })).status).toBe(200);
  const faultAt = Date.now();

  // Two scrapes, the part of the window the errors need to pass the threshold, `for`, two evaluations, group_wait.
  const bound = (2 * SECONDS.scrape + seconds(OVERRIDE.window) + seconds(OVERRIDE.for) + 2 * SECONDS.evaluation + SECONDS.groupWait) * 1000 + SLACK_MS;
  const got = await delivered('HttpServerErrorRatioHigh', (d) => d.labels.alertname === 'HttpServerErrorRatioHigh' && d.status === 'firing', bound);
  expect(got.receivedAt - faultAt).toBeLessThanOrEqual(bound);

  const percent = `${OVERRIDE.threshold * 100}%`;
  expect(got.annotations.summary).toBe(`backend: more than ${percent} of HTTP requests fail with 5xx`);
  expect(got.annotations.description).toMatch(
    new RegExp(`^\\d+(\\.\\d+)?% of requests to backend returned 5xx over the last ${seconds(OVERRIDE.window)} seconds; above ${percent} for ${seconds(OVERRIDE.for)} seconds\\.$`),
  );
  // None of the catalog's own numbers survive.
  expect(JSON.stringify(got.annotations)).not.toMatch(/\b1%|\b5 minutes/);
  process.stdout.write(`HttpServerErrorRatioHigh delivered ${got.receivedAt - faultAt} ms after the fault (bound ${bound} ms): ${JSON.stringify(got.annotations)}\n`);
});
