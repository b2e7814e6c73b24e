/**
 * Metric mapping (src/mapping.ts): a scrape target's `metrics.<family>` renames metrics and labels and maps label
 * values; catalog alerts, rule tests, dashboards and the demo app follow it. Expectations come from the fixture's
 * mapping (test/fixtures/second-app.yaml), never from the rendered output.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { loadConfigFile } from '../src/load';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { mapMatchers, mapQuery, mapSample, Mapping } from '../src/mapping';
import { resolveAlerts } from '../src/alerts';
import type { StackInput } from '../src/schema';
import { createMetrics } from '../examples/demo-app/metrics';
import { mappingsFromStack } from '../examples/demo-app/stack-config';
import { REPO_ROOT, runCli, tmpDir, validate } from './helpers';

const FIXTURE = 'test/fixtures/second-app.yaml';
const fixtureInput = () => JSON.parse(JSON.stringify(loadConfigFile(path.join(REPO_ROOT, FIXTURE)).input)) as StackInput;
const input = fixtureInput();
const target = input.scrapeTargets![0];
const http = target.metrics!.http! as Required<Mapping>;

/** Writes a config to a temp YAML file and returns its path. */
function yamlFile(config: unknown): string {
  const file = path.join(tmpDir('ms-mapping-'), 'stack.yaml');
  fs.writeFileSync(file, yaml.dump(config));
  return file;
}

describe('rewriting one selector', () => {
  const m: Mapping = { names: {}, labels: { status: 'code' }, values: { status: { '5..': '5xx', '2..': '2xx' } } };
  test('a matcher on a mapped value becomes an exact match on the exported label', () => {
    expect(mapMatchers(m, 'status=~"5..",method="GET"')).toBe('code="5xx",method="GET"');
    expect(mapMatchers(m, 'status!~"5.."')).toBe('code!="5xx"');
  });
  test('a matcher on an unmapped value keeps its operator; nothing to map leaves the text as it was', () => {
    expect(mapMatchers(m, 'status=~"4.."')).toBe('code=~"4.."');
    expect(mapMatchers({ names: {}, labels: {}, values: {} }, 'status=~"5.."')).toBe('status=~"5.."');
  });
  test('sample labels are renamed and their values mapped by exact key or pattern', () => {
    expect(mapSample(m, { status: '503', method: 'GET' })).toEqual({ code: '5xx', method: 'GET' });
    expect(mapSample(m, { status: '404' })).toEqual({ code: '404' });
  });
});

describe('the second application (test/fixtures/second-app.yaml)', () => {
  const out = tmpDir('ms-second-');
  const stack = validate(input);
  writeTree(out, synthesize(stack));
  const files = path.join(out, 'files');
  const read = (rel: string) => fs.readFileSync(path.join(files, rel), 'utf8');

  test('catalog rules select the exported names, labels and values', () => {
    const exported = http.names.http_requests_total;
    const code = http.labels.status;
    expect(read('prometheus/rules/http.yml')).toContain(`${exported}{job="${target.job}",${code}="${http.values.status['5..']}"}`);
    const db = target.metrics!.database!.names!;
    expect(read('prometheus/rules/database.yml')).toContain(`${db.db_query_duration_seconds}_bucket{job="${target.job}"}`);
    for (const logical of Object.keys(http.names)) expect(read('prometheus/rules/http.yml')).not.toMatch(new RegExp(`\\b${logical}\\b`));
  });

  test('rule-test input series carry the exported labels and values', () => {
    const tests = read('prometheus/tests/http.test.yml');
    expect(tests).toContain(`${http.labels.status}="${http.values.status['5..']}"`);
    expect(tests).toContain(`${http.labels.endpoint}="/api/chat"`);
    expect(tests).not.toMatch(/\bstatus="/);
  });

  test('dashboards query the exported names', () => {
    const overview = read('grafana/dashboards/Application/stack-overview.json');
    expect(overview).toContain(http.names.http_requests_total);
    expect(overview).not.toMatch(/[^_]http_requests_total/);
  });

  test('dashboard queries and legends use the exported labels and values where every target maps alike', () => {
    const exprs = JSON.stringify(JSON.parse(read('grafana/dashboards/Application/stack-overview.json')));
    const { status } = http.labels;
    expect(exprs).toContain(`${status}=\\"${http.values.status['5..']}\\"`);
    expect(exprs).not.toMatch(/\bstatus=~/);
    expect(exprs).not.toMatch(/by \(status\)|\{\{status\}\}/);
  });

  test('a query mapped label by label: matchers, grouping and the renames the legend follows', () => {
    const q = mapQuery('sum by (status) (rate(http_requests_total{job=~"$job",status=~"5.."}[5m]))', stack);
    expect(q.expr).toBe(`sum by (${http.labels.status}) (rate(${http.names.http_requests_total}{job=~"$job",${http.labels.status}="${http.values.status['5..']}"}[5m]))`);
    expect(q.labels).toMatchObject({ status: http.labels.status });
  });

  test('passes check: promtool runs the mapped rule tests green', () => {
    const res = runCli('check', ['--config', FIXTURE]);
    expect(`${res.stdout}${res.stderr}`).toMatch(/all \d+ checks passed/);
    expect(res.status).toBe(0);
  });

  test('the rule tests fail against the mapped rules when their input keeps the logical names (the check can fail)', () => {
    const plain = fixtureInput();
    delete plain.scrapeTargets![0].metrics;
    const unmapped = tmpDir('ms-unmapped-');
    writeTree(unmapped, synthesize(validate(plain)));
    fs.copyFileSync(path.join(unmapped, 'files/prometheus/tests/http.test.yml'), path.join(files, 'prometheus/tests/http.test.yml'));
    const res = spawnSync(process.env.PROMTOOL ?? 'promtool', ['test', 'rules', path.join(files, 'prometheus/tests/http.test.yml')], { encoding: 'utf8', timeout: 60_000 });
    expect(res.status).not.toBe(0);
    expect(`${res.stdout}${res.stderr}`).toMatch(/HttpServerErrorRatioHigh/);
  });

  test('the demo app, given the stack, exports the mapped names, labels and values', async () => {
    const metrics = createMetrics({ diskPath: REPO_ROOT, mappings: mappingsFromStack(stack, target.job) });
    metrics.counter('http', 'http_requests_total').labels({ method: 'GET', endpoint: '/x', status: '503' }).inc();
    const text = await metrics.registry.metrics();
    const { method, endpoint, status } = http.labels;
    expect(text).toContain(`${http.names.http_requests_total}{${method}="GET",${endpoint}="/x",${status}="${http.values.status['5..']}"} 1`);
    expect(text).not.toMatch(/^http_requests_total/m);
  });
});

describe('targets of one rule set that export differently', () => {
  const config = (): StackInput => ({
    name: 'two-apps',
    environment: 'test',
    scrapeTargets: [
      { job: 'seed', targets: ['seed:8000'], ruleSets: ['http'] },
      { job: 'chat', targets: ['chat:9464'], ruleSets: ['http'], metrics: { http: { names: { http_requests_total: 'chat_http_requests_total' }, labels: { status: 'code' }, values: { status: { '5..': '5xx' } } } } },
      { job: 'chat2', targets: ['chat2:9464'], ruleSets: ['http'], metrics: { http: { names: { http_requests_total: 'chat_http_requests_total' }, labels: { status: 'code' }, values: { status: { '5..': '5xx' } } } } },
    ],
    alertmanager: { route: { receiver: 'default' }, receivers: [{ name: 'default' }] },
  });

  test('get one rule per mapping group, same alert name, each pinned to its jobs', () => {
    const http = resolveAlerts(validate(config())).find((g) => g.name === 'http')!;
    const rules = http.rules.filter((r) => r.name === 'HttpServerErrorRatioHigh');
    expect(rules.map((r) => r.jobs)).toEqual([['seed'], ['chat', 'chat2']]);
  });

  test('and pass check, each group tested on its own series', () => {
    const res = runCli('check', ['--config', yamlFile(config())]);
    expect(`${res.stdout}${res.stderr}`).toMatch(/all \d+ checks passed/);
    expect(res.status).toBe(0);
  });

  test('where targets map a label differently, a dashboard query keeps the logical label', () => {
    const q = mapQuery('sum by (status) (rate(http_requests_total{status=~"5.."}[5m]))', validate(config()));
    expect(q.expr).toContain('by (status)');
    expect(q.expr).toContain('status=~"5.."');
    expect(q.labels).toEqual({});
  });

  test('a dashboard query selects every exported name of a metric', () => {
    const q = mapQuery('sum(rate(http_requests_total{job=~"$job"}[5m])) + sum(rate(http_requests_total[5m]))', validate(config())).expr;
    expect(q).toBe('sum(rate({__name__=~"chat_http_requests_total|http_requests_total",job=~"$job"}[5m])) + sum(rate({__name__=~"chat_http_requests_total|http_requests_total"}[5m]))');
  });
});

describe('bad mappings: exit 2, the JSON path and what is known, nothing written', () => {
  const cases: Array<[string, (c: StackInput) => void, RegExp]> = [
    ['an unknown family', (c) => (c.scrapeTargets![0].metrics = { htp: {} }), /\$\.scrapeTargets\[0\]\.metrics\.htp: unknown metric family "htp"; expected one of: http, ai, database/],
    ['a family the target does not list', (c) => (c.scrapeTargets![0].metrics = { cache: {} }), /\$\.scrapeTargets\[0\]\.metrics\.cache: the target does not list "cache" in ruleSets/],
    ['an unknown metric', (c) => (c.scrapeTargets![0].metrics!.http!.names = { http_request_total: 'x' }), /metrics\.http\.names\.http_request_total: the family has no metric "http_request_total"; expected one of: http_requests_total, /],
    ['an unknown label', (c) => (c.scrapeTargets![0].metrics!.http!.labels = { code: 'status' }), /metrics\.http\.labels\.code: the family has no label "code"; expected one of: method, endpoint, status/],
    ['a value the rules do not use', (c) => (c.scrapeTargets![0].metrics!.http!.values = { status: { '5xx': '5..' } }), /metrics\.http\.values\.status\["5xx"\]: the family's rules use no value "5xx" for status; expected one of: 1\.\., 2\.\./],
    ['an exported name that is not a metric name', (c) => (c.scrapeTargets![0].metrics!.http!.names = { http_requests_total: 'chat-requests' }), /metrics\.http\.names\.http_requests_total.*metric name/],
    ['an exported label that is not a label name', (c) => (c.scrapeTargets![0].metrics!.http!.labels = { status: 'http.code' }), /metrics\.http\.labels\.status.*label name/],
    ['an exported label the stack sets', (c) => (c.scrapeTargets![0].metrics!.http!.labels = { status: 'job' }), /metrics\.http\.labels\.status: "job" is set by the stack/],
    ['an unknown family in ruleSets', (c) => c.scrapeTargets![0].ruleSets!.push('chats'), /\$\.scrapeTargets\[0\]\.ruleSets\[5\]: unknown metric family "chats"; expected one of: .*chat/],
    ['an own family named like a built-in one', (c) => (c.metricFamilies = { http: { metrics: { x_total: { type: 'counter' } } } }), /\$\.metricFamilies\.http: "http" is a built-in family/],
    ['buckets on a counter', (c) => (c.metricFamilies!.chat.metrics.chat_messages_sent_total.buckets = [1, 2]), /chat_messages_sent_total\.buckets: only a histogram has buckets/],
  ];
  test.each(cases)('%s', (_name, change, expected) => {
    const c = fixtureInput();
    change(c);
    expect(() => validate(c)).toThrow(expected);
  });

  test('from the command line: exit 2, the file named, nothing written', () => {
    const c = fixtureInput();
    cases[0][1](c);
    const file = yamlFile(c);
    const out = path.join(tmpDir('ms-badmap-'), 'out');
    const res = runCli('synth', ['--config', file, '--out', out]);
    expect(res.stderr).toContain(`${file}: $.scrapeTargets[0].metrics.htp: unknown metric family`);
    expect(res.status).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  });
});

test('the README guide "Your app\'s metric names" is exactly the second application\'s mapping', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("## Your app's metric names"));
  const fence = /```yaml fields\n([\s\S]*?)```/.exec(section);
  expect(fence).not.toBeNull();
  const snippet = yaml.load(fence![1]) as Partial<StackInput>;
  expect(snippet).toEqual({ metricFamilies: input.metricFamilies, scrapeTargets: input.scrapeTargets });
});
