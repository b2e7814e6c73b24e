/**
 * End to end, notifications as a person receives them: real Prometheus and Alertmanager (Debian packages) run the
 * rendered files of the dev stack with the container flags the deployment gives them (--web.external-url,
 * --rules.alert.resend-delay), every receiver a Slack receiver whose `api_url_file` points at a local sink.
 *  - The always-firing Watchdog arrives within a bound derived from the config, measured from Prometheus' start
 *    (with Prometheus' default resend delay it arrived a minute late: the first send is dropped while Prometheus
 *    has not yet discovered Alertmanager).
 *  - The Slack payload links to Alertmanager, Prometheus and Grafana at their external URLs, names the service once,
 *    and an alert without `service` renders without an empty `**:` prefix.
 * Published ports are the ports the processes listen on, so the external URLs are real, reachable links.
 */
import { seedInput } from '../helpers';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateStack } from '../../src/load';
import { renderStack } from '../../src/render';
import { parseDuration } from '../../src/duration';
import { ALERTMANAGER_SECRETS_DIR } from '../../src/render/alertmanager';
import { prometheusCommand } from '../../src/pulumi/prometheus';
import { alertmanagerCommand } from '../../src/pulumi/alertmanager';
import type { ComponentName, Stack, StackInput } from '../../src/schema';
import { freePort, Proc, request, requireBinary, startProcess, stopProcess, tail, waitFor } from './harness';

jest.setTimeout(120_000);

const TIMINGS = { scrapeInterval: '1s', evaluationInterval: '1s', groupWait: '15s', groupInterval: '5s' } as const;
/**
 * Prometheus hands Alertmanager targets to its notifier on the discovery manager's first tick, 5 s after start
 * (prometheus discovery/manager.go, `updatert: 5 * time.Second`); nothing can be delivered earlier.
 */
const NOTIFIER_DISCOVERY_MS = 5000;
/** Process start, scheduling on a loaded machine, HTTP round trips. */
const SLACK_MS = 5000;
const ms = parseDuration;

interface SlackPost {
  receiver: string;
  receivedAt: number;
  payload: { channel?: string; attachments: Array<{ title: string; title_link: string; text: string }> };
}

/** An HTTP server on 127.0.0.1 recording every Slack webhook post (the path names the receiver). */
async function startSlackSink(): Promise<{ port: number; posts: SlackPost[]; close: () => Promise<void> }> {
  const posts: SlackPost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        posts.push({ receiver: (req.url ?? '/').slice(1), receivedAt: Date.now(), payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const secretName = (receiver: string) => `slack_${receiver.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** The dev stack on this machine: every receiver Slack (one secret each), published ports = the listening ports. */
function stackInput(dev: StackInput, ports: Record<'prometheus' | 'alertmanager' | 'grafana', number>): StackInput {
  return {
    ...dev,
    name: 'e2e',
    environment: 'e2e',
    components: {
      prometheus: { port: ports.prometheus },
      alertmanager: { port: ports.alertmanager },
      // Not started: only its address is needed, for the links.
      grafana: { port: ports.grafana },
      loki: { enabled: false },
      promtail: { enabled: false },
      jaeger: { enabled: false },
    },
    prometheus: { scrapeInterval: TIMINGS.scrapeInterval, scrapeTimeout: TIMINGS.scrapeInterval, evaluationInterval: TIMINGS.evaluationInterval, retentionTime: '1h' },
    // The alerts here come from the Watchdog and from the test itself; no application is scraped.
    scrapeTargets: [],
    probes: [],
    alerts: { ...dev.alerts, overrides: {} },
    alertmanager: {
      ...dev.alertmanager,
      route: { ...dev.alertmanager.route, groupWait: TIMINGS.groupWait, groupInterval: TIMINGS.groupInterval, repeatInterval: '1h' },
      receivers: dev.alertmanager.receivers.map((r) => ({ name: r.name, slack: [{ apiUrl: { secret: secretName(r.name) }, channel: `#${r.name}` }] })),
    },
  };
}

/** A rendered flag list without the flags the test sets itself (paths, listen address). */
const withoutFlags = (flags: string[], names: string[]) => flags.filter((f) => !names.some((n) => f.startsWith(`--${n}=`)));

let stack: Stack;
let sink: Awaited<ReturnType<typeof startSlackSink>> | undefined;
let tmp: string | undefined;
const procs: Proc[] = [];
let promStartedAt = 0;
const base: Partial<Record<ComponentName, string>> = {};

beforeAll(async () => {
  const prometheusBin = requireBinary('PROMETHEUS_BIN', ['prometheus']);
  const alertmanagerBin = requireBinary('ALERTMANAGER_BIN', ['prometheus-alertmanager', 'alertmanager']);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-e2e-notify-'));
  sink = await startSlackSink();
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), grafana: await freePort() };
  // The seed fixture, never stacks/dev.ts: a user's edit of their stack must not change this test.
  const dev = seedInput();
  stack = validateStack(stackInput(dev, ports), 'test/e2e/notifications.test.ts');
  const files = renderStack(stack, { addressOf: (c) => `127.0.0.1:${(ports as Record<string, number>)[c]}` });
  const filesDir = path.join(tmp, 'files');
  const secretsDir = path.join(tmp, 'secrets');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(filesDir, rel)), { recursive: true });
    // The deployment mounts the secret files at ALERTMANAGER_SECRETS_DIR; here they are in the temp dir.
    fs.writeFileSync(path.join(filesDir, rel), content.split(`${ALERTMANAGER_SECRETS_DIR}/`).join(`${secretsDir}/`));
  }
  fs.mkdirSync(secretsDir);
  for (const r of stack.alertmanager.receivers) fs.writeFileSync(path.join(secretsDir, secretName(r.name)), `http://127.0.0.1:${sink.port}/${r.name}`);
  const logs = path.join(tmp, 'logs');
  fs.mkdirSync(logs);
  base.prometheus = `http://127.0.0.1:${ports.prometheus}`;
  base.alertmanager = `http://127.0.0.1:${ports.alertmanager}`;
  const ready = (url: string) => async () => ((await request(url, { timeoutMs: 1000 })).status === 200 ? true : undefined);

  // As deployed: Alertmanager first (Prometheus depends on it), each with the flags of its container.
  procs.push(
    startProcess('alertmanager', alertmanagerBin, [
      ...withoutFlags(alertmanagerCommand(stack), ['config.file', 'storage.path']),
      `--config.file=${path.join(filesDir, 'alertmanager', 'alertmanager.yml')}`,
      `--storage.path=${path.join(tmp, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
      '--log.level=warn',
    ], { cwd: tmp, logFile: path.join(logs, 'alertmanager.log') }),
  );
  await waitFor('Alertmanager to be ready', ready(`${base.alertmanager}/-/ready`), { timeoutMs: 20_000, procs });
  promStartedAt = Date.now();
  procs.push(
    startProcess('prometheus', prometheusBin, [
      ...withoutFlags(prometheusCommand({ stack }), ['config.file', 'storage.tsdb.path']),
      `--config.file=${path.join(filesDir, 'prometheus', 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(tmp, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      '--log.level=warn',
    ], { cwd: tmp, logFile: path.join(logs, 'prometheus.log') }),
  );
  await waitFor('Prometheus to be ready', ready(`${base.prometheus}/-/ready`), { timeoutMs: 20_000, procs });
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await sink?.close();
  if (tmp && process.env.E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) process.stderr.write(`e2e files kept in ${tmp}\n`);
}, 30_000);

/** Waits for a Slack post to `receiver` whose title matches; the failure lists what arrived and when. */
async function slackPost(receiver: string, title: RegExp, timeoutMs: number, since = promStartedAt): Promise<SlackPost> {
  const s = sink!;
  try {
    return await waitFor(`a Slack post to ${receiver} titled ${title}`, () => s.posts.find((p) => p.receiver === receiver && title.test(p.payload.attachments?.[0]?.title ?? '')), {
      timeoutMs: Math.max(0, timeoutMs),
      intervalMs: 100,
      procs,
    });
  } catch (err) {
    const seen = s.posts.map((p) => `+${p.receivedAt - since} ms ${p.receiver}: ${p.payload.attachments?.[0]?.title}`);
    const logs = procs.map((p) => `--- ${p.name}\n${tail(p.logFile, 10)}`).join('\n');
    throw new Error(`${(err as Error).message}\nSlack posts so far:\n  ${seen.join('\n  ') || '(none)'}\n${logs}`);
  }
}

/** What is wrong with a Slack attachment, given the external URLs and the service it is about (if any). */
export function slackProblems(a: { title: string; title_link: string; text: string }, expected: { alertmanager: string; prometheus?: string; dashboard: string; service?: string }): string[] {
  const problems: string[] = [];
  if (!a.title_link.startsWith(`${expected.alertmanager.replace(/\/$/, '')}/#/alerts?receiver=`)) problems.push(`title_link ${a.title_link} is not on ${expected.alertmanager}`);
  if (expected.prometheus && !a.text.includes(`<${expected.prometheus}`)) problems.push(`no link to Prometheus at ${expected.prometheus}`);
  if (!a.text.includes(`<${expected.dashboard}|`)) problems.push(`no dashboard link to ${expected.dashboard}`);
  if (/\*\*|^\s*:|\n\s*:/.test(a.text)) problems.push(`an empty label prefix in ${JSON.stringify(a.text)}`);
  if (expected.service) {
    // Counted in what a reader sees, not inside link targets.
    const words = `${a.title}\n${a.text.replace(/<[^|>]*\|/g, '<')}`;
    const count = words.split(expected.service).length - 1;
    if (count !== 1) problems.push(`service "${expected.service}" named ${count} times in ${JSON.stringify(words)}`);
  }
  return problems;
}

describe('notifications from the rendered stack', () => {
  test('the Watchdog (no service label) arrives within the derived bound, cleanly, with links to the external URLs', async () => {
    // Discovery of Alertmanager, an evaluation that sends (the resend delay is below the interval), one more in case
    // the first one fell just before discovery, group_wait, slack.
    const groupWait = ms(TIMINGS.groupWait);
    const bound = NOTIFIER_DISCOVERY_MS + 2 * ms(TIMINGS.evaluationInterval) + groupWait + SLACK_MS;
    expect(bound).toBeLessThanOrEqual(2 * groupWait);
    const post = await slackPost('deadman', /Watchdog/, bound - (Date.now() - promStartedAt));
    const after = post.receivedAt - promStartedAt;
    process.stdout.write(`Watchdog reached deadman ${after} ms after Prometheus started (bound ${bound} ms, group_wait ${groupWait} ms)\n`);
    expect(after).toBeLessThanOrEqual(bound);

    const a = post.payload.attachments[0];
    expect(post.payload.channel).toBe('#deadman');
    expect(slackProblems(a, { alertmanager: base.alertmanager!, prometheus: `${base.prometheus}/graph`, dashboard: `http://127.0.0.1:${stack.components.grafana.port}/` })).toEqual([]);
    expect(a.title).toBe('[FIRING:1] Watchdog (info)');
    // The link to the query works: it is the Prometheus this test runs (its UI answers, possibly redirecting).
    const query = /<(http[^|>]+)\|Query>/.exec(a.text)![1];
    const status = (await request(query.replace(/&amp;/g, '&'), { timeoutMs: 5000 })).status;
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(400);
  });

  test('an alert with a service names it once and links its own dashboard and runbook', async () => {
    const sentAt = Date.now();
    const labels = { alertname: 'HttpServerErrorRatioHigh', severity: 'warning', service: 'backend', environment: 'e2e' };
    const annotations = {
      summary: 'backend: more than 1% of HTTP requests fail with 5xx',
      description: 'backend: 4.2% of requests fail.',
      dashboard_url: 'https://grafana.example.com/d/overview?var-job=backend',
      runbook_url: 'https://runbooks.example.com/http-5xx',
    };
    const res = await request(`${base.alertmanager}/api/v2/alerts`, {
      method: 'POST',
      body: [{ labels, annotations, startsAt: new Date().toISOString(), generatorURL: `${base.prometheus}/graph?g0.expr=up` }],
    });
    expect(res.status).toBe(200);
    const bound = ms(TIMINGS.groupWait) + SLACK_MS;
    const post = await slackPost('team-slack', /HttpServerErrorRatioHigh/, bound, sentAt);
    const a = post.payload.attachments[0];
    expect(slackProblems(a, { alertmanager: base.alertmanager!, dashboard: annotations.dashboard_url, service: 'backend' })).toEqual([]);
    expect(a.title).toBe('[FIRING:1] HttpServerErrorRatioHigh on backend (warning)');
    expect(a.text).toContain('more than 1% of HTTP requests fail with 5xx\n4.2% of requests fail.');
    expect(a.text).toContain(`<${annotations.runbook_url}|Runbook>`);
  });

  test('the payload checks fail on what the previous template sent', () => {
    // The old text: `*{{ .Labels.service }}*: {{ .Annotations.summary }}`, no links, container hostname links.
    const old = { title: '[FIRING:1] Watchdog (info)', title_link: 'http://4f2a9c:9093/#/alerts?receiver=deadman', text: '**: Watchdog: the alerting pipeline is alive\n' };
    const expected = { alertmanager: 'http://127.0.0.1:9093', prometheus: 'http://127.0.0.1:9090/graph', dashboard: 'http://127.0.0.1:3001/' };
    expect(slackProblems(old, expected)).toHaveLength(4);
    const twice = { ...old, title_link: 'http://127.0.0.1:9093/#/alerts?receiver=x', title: '[FIRING:1] X (warning)', text: '*backend*: backend: high <http://127.0.0.1:3001/|Grafana>' };
    expect(slackProblems(twice, { ...expected, prometheus: undefined, service: 'backend' })).toEqual([expect.stringMatching(/named 2 times/)]);
  });
});
