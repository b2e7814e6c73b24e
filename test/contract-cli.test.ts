/**
 * `npm run check -- --config <stack> --metrics <job>=<file-or-url>` end to end: the contract result joins the
 * report and decides the exit code; bad --metrics input exits 2 before anything runs. The stack is the fixture
 * test/fixtures/contract-stack.yaml, the exposition the demo app's (test/fixtures/demo-metrics.txt).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { REPO_ROOT } from './helpers';

const FIXTURE_STACK = path.join(REPO_ROOT, 'test/fixtures/contract-stack.yaml');
const DEMO_METRICS = path.join(REPO_ROOT, 'test/fixtures/demo-metrics.txt');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the check CLI without blocking this process (a test's HTTP server must keep answering meanwhile). */
function check(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Through the launcher `npm run check` uses (scripts/run.cjs), not the slower `tsx` command.
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.cjs'), path.join(REPO_ROOT, 'src/cli/check.ts'), ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

const demo = () => fs.readFileSync(DEMO_METRICS, 'utf8');

test('a p95 threshold beyond the exporter\'s last bucket passes plain check and fails with --metrics', async () => {
  const input = yaml.load(fs.readFileSync(FIXTURE_STACK, 'utf8')) as Record<string, unknown>;
  // The demo's http_request_duration_seconds buckets end at 10 s; a 12 s critical tier can never fire.
  input.alerts = { overrides: { HttpLatencyP95High: { thresholds: { warning: 2, critical: 12 } } } };
  const stack = write('tuned.json', JSON.stringify(input));
  const [plain, withMetrics] = await Promise.all([check(['--config', stack]), check(['--config', stack, '--metrics', `backend=${DEMO_METRICS}`])]);
  expect({ status: plain.status, stderr: plain.stderr }).toEqual({ status: 0, stderr: '' });
  expect(withMetrics.status).toBe(1);
  expect(withMetrics.stdout).toMatch(/FAIL {2}metrics contract: \d+ rules and \d+ panel queries against backend \(.*demo-metrics\.txt\)/);
  expect(withMetrics.stdout).toContain(
    'prometheus/rules/http.yml: group "http": alert "HttpLatencyP95High" (critical): threshold histogram_quantile(...) > 12 can never be reached',
  );
}, 240_000);

test('a renamed metric in a saved exposition fails check, naming the alert, the metric and the exporter\'s name', async () => {
  const renamed = write('renamed.txt', demo().replace(/\bhttp_requests_total\b/g, 'http_server_requests_total'));
  const res = await check(['--config', FIXTURE_STACK, '--metrics', `backend=${renamed}`]);
  expect(res.status).toBe(1);
  expect(res.stdout).toContain(
    'prometheus/rules/http.yml: group "http": alert "HttpServerErrorRatioHigh" (critical): uses metric http_requests_total, which job "backend" does not export; expected a metric the job exports (did you mean http_server_requests_total?)',
  );
}, 120_000);

test('a live http:// exposition on 127.0.0.1 passes; its user info goes as basic auth, and neither it nor the query reaches the output', async () => {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} accept=${req.headers.accept} authorization=${req.headers.authorization}`);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(demo());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const res = await check(['--config', FIXTURE_STACK, '--metrics', `backend=http://user:s3cret@127.0.0.1:${port}/metrics?token=t0ken`]);
    expect({ status: res.status, requests }).toEqual({ status: 0, requests: [`GET /metrics?token=t0ken accept=text/plain;version=0.0.4 authorization=Basic ${Buffer.from('user:s3cret').toString('base64')}`] });
    expect(res.stdout).toMatch(new RegExp(`ok {4}metrics contract: \\d+ rules and \\d+ panel queries against backend \\(http://127\\.0\\.0\\.1:${port}/metrics\\)`));
    expect(res.stdout + res.stderr).not.toMatch(/s3cret|t0ken/);
  } finally {
    server.close();
  }
}, 120_000);

describe('bad --metrics input exits 2 before anything runs, one line per problem naming the flag and what was expected', () => {
  const bad = async (...values: string[]) => {
    const res = await check(['--config', FIXTURE_STACK, ...values.flatMap((v) => ['--metrics', v])]);
    expect({ status: res.status, stdout: res.stdout }).toEqual({ status: 2, stdout: '' });
    return res.stderr;
  };

  test('missing "=", unknown job', async () => {
    const stderr = await bad('backend', `worker=${DEMO_METRICS}`);
    expect(stderr).toContain('command line: --metrics[0] "backend": expected <job>=<file-or-url>');
    expect(stderr).toContain(`command line: --metrics[1] "worker=${DEMO_METRICS}": unknown job "worker"; expected one of the stack's scrape jobs: prometheus, alertmanager`);
    expect(stderr).toContain('2 problems found; nothing was written.');
  });

  test('unreadable file, malformed exposition (naming the line), a URL that is not http://', async () => {
    const missing = path.join(tmp, 'nope.txt');
    const broken = write('broken.txt', '# TYPE up gauge\nup{job="x} 1\n');
    const stderr = await bad(`backend=${missing}`, `redis=${broken}`, 'postgres=https://127.0.0.1:9/metrics');
    expect(stderr).toContain(`${missing}: $: cannot read the exposition file (ENOENT); expected a saved /metrics text`);
    expect(stderr).toContain(`${broken}: line 2: unterminated value of label job; expected Prometheus text format 0.0.4`);
    expect(stderr).toContain('--metrics postgres=https://127.0.0.1:9/metrics: $: only http:// URLs are fetched');
  });

  test('a URL that does not answer', async () => {
    // A port that was free a moment ago: nothing listens there, the connection is refused at once.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    expect(await bad(`backend=http://127.0.0.1:${port}/metrics`)).toContain(
      `--metrics backend=http://127.0.0.1:${port}/metrics: $: cannot fetch the exposition (ECONNREFUSED); expected a reachable /metrics endpoint`,
    );
  });

  test('a URL that answers too slowly is given up after the bound', async () => {
    const { readExposition } = await import('../src/contract/exposition');
    const server = http.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(readExposition('backend', `http://127.0.0.1:${port}/metrics`, 300)).rejects.toThrow(
        `--metrics backend=http://127.0.0.1:${port}/metrics: $: cannot fetch the exposition (no answer within 300 ms)`,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
