/**
 * The metrics contract check (src/contract): the exposition parser, what rules and panels use, and the comparison,
 * on the fixture stack test/fixtures/contract-stack.yaml (dev-like) against the demo app's exposition
 * (test/fixtures/demo-metrics.txt, kept in sync with the running demo app below). Each mutation is one a plain
 * `check` cannot see (it never reads an exposition) and the contract check must report, line by line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { createDemoApp } from '../examples/demo-app/app';
import { loadStack } from '../src/load';
import type { Stack } from '../src/schema';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { ConfigError } from '../src/errors';
import { Exposition, parseExposition } from '../src/contract/exposition';
import { analyzeExpr } from '../src/contract/usage';
import { checkContract } from '../src/contract/check';
import { REPO_ROOT } from './helpers';

const FIXTURE_STACK = path.join(REPO_ROOT, 'test/fixtures/contract-stack.yaml');
const DEMO_METRICS = path.join(REPO_ROOT, 'test/fixtures/demo-metrics.txt');
const demoText = () => fs.readFileSync(DEMO_METRICS, 'utf8');

describe('exposition parser (text format 0.0.4)', () => {
  const text = [
    '# HELP req_total Requests, with a \\\\ and a \\n in the help',
    '# TYPE req_total counter',
    'req_total{path="/a\\\\b",msg="say \\"hi\\"\\nbye",} 3 1700000000000',
    '# TYPE lat_seconds histogram',
    'lat_seconds_bucket{route="/x",le="0.1"} 1',
    'lat_seconds_bucket{route="/x",le="1"} 2',
    'lat_seconds_bucket{route="/x",le="+Inf"} 3',
    'lat_seconds_sum{route="/x"} 2.5',
    'lat_seconds_count{route="/x"} 3',
    'lat_seconds_bucket{route="/y",method="GET",le="2.5"} 1',
    'lat_seconds_bucket{route="/y",method="GET",le="+Inf"} 1',
    'lat_seconds_count{route="/y",method="GET"} 1',
    '# TYPE rpc_seconds summary',
    'rpc_seconds{quantile="0.5"} 0.2',
    'rpc_seconds_sum 4',
    'rpc_seconds_count 20',
    'temp_celsius{room="a"} -Inf',
    '  plain_gauge   NaN  ', // leading and trailing blanks, no TYPE, last line without a newline
  ].join('\n');

  test('types, label names of every series (histograms too), finite buckets, escapes', () => {
    const e = parseExposition(text, 'api', 'fixture');
    const fam = (n: string) => e.families.get(n)!;
    expect(fam('req_total')).toMatchObject({ type: 'counter', samples: 1 });
    expect([...fam('req_total').labels]).toEqual(['path', 'msg']);
    expect(fam('lat_seconds')).toMatchObject({ type: 'histogram', buckets: [0.1, 1, 2.5], samples: 8 });
    expect([...fam('lat_seconds').parts].sort()).toEqual(['bucket', 'count', 'sum']);
    expect([...fam('lat_seconds').labels].sort()).toEqual(['method', 'route']);
    expect(fam('rpc_seconds')).toMatchObject({ type: 'summary', samples: 3 });
    expect(fam('temp_celsius').type).toBe('untyped');
    expect(fam('plain_gauge').type).toBe('untyped');
    expect(e.series.get('lat_seconds_bucket')).toMatchObject({ part: 'bucket' });
    expect(e.series.get('rpc_seconds_count')).toMatchObject({ part: 'count' });
    expect(e.series.has('rpc_seconds_bucket')).toBe(false);
  });

  test('label value escapes are decoded', () => {
    const { parseSample } = jest.requireActual('../src/contract/exposition') as typeof import('../src/contract/exposition');
    expect(parseSample('x{a="q\\"\\\\\\n",b="c:\\d"} 1').labels).toEqual({ a: 'q"\\\n', b: 'c:\\d' });
  });

  test.each([
    ['x{a=1} 1', 'line 1', 'expected a quoted value for label a'],
    ['x{a="1" 1', 'line 1', 'expected , or } after label a'],
    ['x{a="1} 1', 'line 1', 'unterminated value of label a'],
    ['ok 1\nx 1 2 3', 'line 2', 'unexpected text after the value'],
    ['x one', 'line 1', 'invalid sample value "one"'],
    ['# TYPE x meter', 'line 1', 'unknown type "meter" for x'],
    ['x 1\n# TYPE x gauge', 'line 2', 'TYPE of x after its first sample'],
    ['{a="1"} 1', 'line 1', 'must start with a metric name'],
  ])('rejects %j at %s: %s', (input, line, message) => {
    let err: unknown;
    try {
      parseExposition(input, 'api', 'saved.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const [p] = (err as ConfigError).problems;
    expect(p.source).toBe('saved.txt');
    expect(p.path).toBe(line);
    expect(p.message).toContain(message);
  });
});

describe('what an expression uses', () => {
  test('selectors with matchers, grouping, function and histogram_quantile context', () => {
    const u = analyzeExpr('histogram_quantile(0.95, sum by (job, le) (rate(lat_bucket{job="a",route!="/x"}[5m]))) > 2 and on(job) up == 1')!;
    expect(u.selectors).toEqual([
      { metric: 'lat_bucket', matchers: [{ label: 'job', op: '=', value: 'a' }, { label: 'route', op: '!=', value: '/x' }], fn: 'rate', inQuantile: true,
        grouping: [{ label: 'job', clause: 'by' }, { label: 'le', clause: 'by' }, { label: 'job', clause: 'on' }] },
      { metric: 'up', matchers: [], fn: undefined, inQuantile: false, grouping: [{ label: 'job', clause: 'on' }] },
    ]);
    expect(u.thresholds).toEqual([{ op: '>', value: 2, selectors: [u.selectors[0]] }]);
  });

  test('a threshold on the left is turned around; grouping above label_replace and ignoring() are not the series\' own', () => {
    expect(analyzeExpr('3 <= (histogram_quantile(0.9, x_bucket))')!.thresholds.map((t) => [t.op, t.value])).toEqual([['>=', 3]]);
    expect(analyzeExpr('sum by (dst) (label_replace(x, "dst", "$1", "src", "(.*)"))')!.selectors[0].grouping).toEqual([]);
    expect(analyzeExpr('a / ignoring(code) b')!.selectors.map((s) => s.grouping)).toEqual([[], []]);
  });

  test('the labels a result keeps follow its outermost aggregation', () => {
    expect(analyzeExpr('sum by (job, service) (rate(a[5m])) / sum by (job, service) (rate(b[5m])) > 0.1')!.resultKeeps).toEqual({ only: ['job', 'service'] });
    expect(analyzeExpr('histogram_quantile(0.9, sum by (le, route) (rate(a_bucket[5m])))')!.resultKeeps).toEqual({ only: ['route'] });
    expect(analyzeExpr('max without (pod) (a) > 1')!.resultKeeps).toEqual({ except: ['pod'] });
    expect(analyzeExpr('rate(a[5m]) > 1')!.resultKeeps).toBeUndefined();
    expect(analyzeExpr('sum(')).toBeUndefined();
  });
});

/** The fixture stack rendered once (rules and dashboards as synth writes them). */
function render(stack: Stack): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-test-'));
  writeTree(path.join(dir, 'out'), synthesize(stack));
  return path.join(dir, 'out', 'files');
}

describe('contract of the fixture stack against the demo app', () => {
  const stack = loadStack({ config: FIXTURE_STACK }).stack;
  const files = render(stack);
  const check = (text: string, s = stack, dir = files) => checkContract(s, dir, [parseExposition(text, 'backend', 'demo')]);
  afterAll(() => fs.rmSync(path.dirname(path.dirname(files)), { recursive: true, force: true }));

  test('the demo exposition fulfils it', () => {
    const report = check(demoText());
    expect(report.problems).toEqual([]);
    expect(report.rules).toBeGreaterThan(10);
    expect(report.queries).toBeGreaterThan(30);
  });

  test('a renamed metric is reported for every alert and panel reading it', () => {
    const problems = check(demoText().replace(/\bhttp_requests_total\b/g, 'http_server_requests_total')).problems;
    const line = (where: string) =>
      `${where}: uses metric http_requests_total, which job "backend" does not export; expected a metric the job exports (did you mean http_server_requests_total?)`;
    expect(problems).toContain(line('prometheus/rules/http.yml: group "http": alert "HttpServerErrorRatioHigh" (critical)'));
    expect(problems).toContain(line('dashboard "Overview" (grafana/dashboards/Application/stack-overview.json): panel "Request rate by status", query A'));
    expect(problems.every((p) => p.includes('http_requests_total'))).toBe(true);
  });

  test('a missing label is reported where a matcher, a by() or a legend uses it', () => {
    const text = demoText().replace(/^(http_requests_total\{[^}]*?),?status="[^"]*"/gm, '$1');
    expect(text).not.toMatch(/^http_requests_total\{[^}]*status=/m);
    const problems = check(text).problems;
    expect(problems).toContain(
      'prometheus/rules/http.yml: group "http": alert "HttpServerErrorRatioHigh" (critical): label "status" (matcher status=~"5..") on http_requests_total, which job backend exports without it; expected one of its labels: endpoint, method',
    );
    const panel = 'dashboard "Overview" (grafana/dashboards/Application/stack-overview.json): panel "Request rate by status", query A';
    expect(problems).toContain(`${panel}: label "status" (by(status)) on http_requests_total, which job backend exports without it; expected one of its labels: endpoint, method`);
    expect(problems.some((p) => p.startsWith(`${panel}: label "status" in legend`))).toBe(true);
  });

  test('a latency threshold beyond the last finite bucket is reported (exporter buckets end at 1 s)', () => {
    const text = demoText().replace(/^http_request_duration_seconds_bucket\{[^}]*le="(2\.5|5|10)"[^}]*\}.*\n/gm, '');
    expect(text).not.toMatch(/^http_request_duration_seconds_bucket\{[^}]*le="10"/m);
    const problems = check(text).problems;
    // The catalog's p95 tiers are 2 s (warning) and 5 s (critical) in the fixture stack.
    for (const [severity, threshold] of [['warning', 2], ['critical', 5]] as const) {
      expect(problems).toContain(
        `prometheus/rules/http.yml: group "http": alert "HttpLatencyP95High" (${severity}): threshold histogram_quantile(...) > ${threshold} can never be reached: http_request_duration_seconds of job backend has buckets up to le="1" and histogram_quantile returns at most the highest finite bucket bound; expected a threshold below 1 or buckets beyond ${threshold}`,
      );
    }
    // HttpLongOperations (info, p99 > 1 s in the seed table): at the last bucket's bound, also unreachable.
    expect(problems).toContain(
      'prometheus/rules/http.yml: group "http": alert "HttpLongOperations" (info): threshold histogram_quantile(...) > 1 can never be reached: http_request_duration_seconds of job backend has buckets up to le="1" and histogram_quantile returns at most the highest finite bucket bound; expected a threshold below 1 or buckets beyond 1',
    );
    expect(problems).toHaveLength(3);
  });

  test('a threshold the stack raises beyond the demo buckets (10 s) is reported', () => {
    const tuned = loadStack({ config: tunedStackFile() }).stack;
    const tunedFiles = render(tuned);
    expect(check(demoText(), tuned, tunedFiles).problems).toEqual([
      expect.stringMatching(/alert "HttpLatencyP95High" \(critical\): threshold histogram_quantile\(\.\.\.\) > 12 can never be reached: .* buckets up to le="10"/),
    ]);
  });

  test('type mismatches: rate() over a gauge, histogram_quantile over a summary', () => {
    const gauge = check(demoText().replace('# TYPE websocket_connection_failures_total counter', '# TYPE websocket_connection_failures_total gauge')).problems;
    expect(gauge).toContain(
      'prometheus/rules/websocket.yml: group "websocket": alert "WebsocketConnectionFailureRatioHigh" (warning): type mismatch: rate() over websocket_connection_failures_total, which job backend exports as a gauge; expected a counter',
    );
    const summary = demoText()
      .replace(/^ai_request_duration_seconds_bucket.*\n/gm, '')
      .replace('# TYPE ai_request_duration_seconds histogram', '# TYPE ai_request_duration_seconds summary');
    expect(check(summary).problems).toContain(
      'dashboard "AI" (grafana/dashboards/Application/stack-ai.json): panel "p95 generation time", query A: type mismatch: ai_request_duration_seconds_bucket is read as a histogram\'s _bucket series, but job "backend" exports ai_request_duration_seconds as a summary (no _bucket series); expected a histogram',
    );
  });

  test('type mismatch: a histogram exported without its _bucket series', () => {
    const text = demoText().replace(/^http_request_duration_seconds_bucket.*\n/gm, '');
    expect(check(text).problems).toContain(
      'prometheus/rules/http.yml: group "http": alert "HttpLatencyP95High" (warning): type mismatch: _bucket missing: job "backend" exports histogram http_request_duration_seconds without _bucket series; expected its buckets for histogram_quantile',
    );
  });

  test('a family declared without samples (nothing observed yet) is exported, its labels not judged', () => {
    // prom-client prints only HELP and TYPE for a labelled metric before its first observation.
    const text = demoText().replace(/^http_requests_total\{.*\n/gm, '');
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(check(text).problems).toEqual([]);
  });

  test('a metric the exporter has but the target drops at scrape time is reported', () => {
    const redis = '# TYPE redis_up gauge\nredis_up 1\n# TYPE go_goroutines gauge\ngo_goroutines 8\n';
    const input = yaml.load(fs.readFileSync(FIXTURE_STACK, 'utf8')) as { scrapeTargets: Array<{ job: string; dropMetrics?: string[] }> };
    input.scrapeTargets.find((t) => t.job === 'redis')!.dropMetrics = ['redis_.*'];
    const dropping = loadStack({ config: writeStack(input) }).stack;
    const problems = checkContract(dropping, files, [parseExposition(redis, 'redis', 'x')]).problems;
    expect(problems).toContain(
      'prometheus/rules/redis.yml: group "redis": alert "RedisDown" (critical): uses metric redis_up, which job redis exports but the stack drops at scrape time (dropMetrics); expected a metric that is kept',
    );
    expect(checkContract(stack, files, [parseExposition(redis, 'redis', 'x')]).problems.filter((p) => p.includes('RedisDown'))).toEqual([]);
  });

  test('jobs without an exposition are not judged; a job given is judged for every selector that picks it', () => {
    // Only redis given, exporting nothing the stack reads: the redis alert and panels are reported, backend's are not.
    const problems = checkContract(stack, files, [parseExposition('# TYPE other gauge\nother 1\n', 'redis', 'x')]).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => /redis_/.test(p))).toBe(true);
  });
});

/** The fixture stack with the p95 critical tier raised to 12 s, beyond the demo's last bucket (10 s). */
function tunedStackFile(): string {
  const input = yaml.load(fs.readFileSync(FIXTURE_STACK, 'utf8')) as Record<string, unknown>;
  input.alerts = { overrides: { HttpLatencyP95High: { thresholds: { warning: 2, critical: 12 } } } };
  return writeStack(input);
}

function writeStack(input: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-stack-')), 'stack.json');
  fs.writeFileSync(file, JSON.stringify(input));
  return file;
}

/** Family → type, label names and buckets: what the contract reads (values and default process metrics vary). */
function shape(e: Exposition): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of e.families.values()) {
    if (/^(process|nodejs)_/.test(f.name)) continue;
    out[f.name] = `${f.type} {${[...f.labels].sort().join(',')}} [${f.buckets.join(',')}] ${f.samples > 0 ? 'has series' : 'no series'}`;
  }
  return out;
}

test('test/fixtures/demo-metrics.txt is what the demo app serves (UPDATE_DEMO_METRICS=1 rewrites it)', async () => {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-demo-'));
  const app = await createDemoApp({ port: 0, host: '127.0.0.1', logDir, rps: 50 });
  const seen: string[] = [];
  try {
    // Synthetic traffic fills every family within a second or two; bounded at 100 polls of 200 ms.
    let live: string | undefined;
    for (let i = 0; i < 100 && !live; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const text = await (await fetch(`${app.url}/metrics`)).text();
      const empty = Object.entries(shape(parseExposition(text, 'backend', 'live'))).filter(([, s]) => s.endsWith('no series'));
      seen.push(`${i * 200} ms: ${empty.length} families without series (${empty.map(([n]) => n).join(', ')})`);
      if (empty.length === 0) live = text;
    }
    if (!live) throw new Error(`the demo app never exported every family:\n${seen.join('\n')}`);
    if (process.env.UPDATE_DEMO_METRICS) fs.writeFileSync(DEMO_METRICS, live);
    expect(shape(parseExposition(demoText(), 'backend', DEMO_METRICS))).toEqual(shape(parseExposition(live, 'backend', 'live')));
  } finally {
    await app.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
});
