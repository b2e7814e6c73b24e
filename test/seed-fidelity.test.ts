/**
 * Seed fidelity (issue 18): AiServiceDown fires within the seed's "2 minutes" of a complete AI outage, also when no
 * AI requests arrive (0/0); every family a target declares has a no-data guard (MetricsMissing). Expectations come
 * from the seed wording and the stack config, the timing from promtool itself.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { renderStack } from '../src/render';
import { resolveAlerts } from '../src/alerts';
import { FAMILY_KEY_METRICS } from '../metrics/families';
import { devInput, loadNamed, tmpDir, validate } from './helpers';

/** Seed 003, "AI Service Down: AI service unavailable for 2 minutes". */
const SEED_AI_DOWN_MINUTES = 2;
/** The generated tests' evaluation interval (promtool). */
const EVAL_MINUTES = 1;

/** Runs promtool on one rule file and one test file; returns its exit code and output. */
function promtool(rules: object, tests: object) {
  const dir = tmpDir('seed-fidelity-');
  fs.mkdirSync(path.join(dir, 'rules'));
  fs.mkdirSync(path.join(dir, 'tests'));
  fs.writeFileSync(path.join(dir, 'rules', 'r.yml'), yaml.dump(rules));
  fs.writeFileSync(path.join(dir, 'tests', 't.test.yml'), yaml.dump({ rule_files: ['../rules/r.yml'], evaluation_interval: '1m', ...tests }));
  const res = spawnSync('promtool', ['test', 'rules', path.join(dir, 'tests', 't.test.yml')], { encoding: 'utf8', timeout: 60_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/** The rendered rules of one alert (annotations dropped: the timing is under test, not the text). */
function rulesOf(files: Record<string, string>, file: string, alert: string): object {
  const doc = yaml.load(files[`prometheus/rules/${file}.yml`]) as { groups: Array<{ name: string; rules: Array<Record<string, unknown>> }> };
  const rules = doc.groups[0].rules.filter((r) => r.alert === alert).map(({ annotations: _a, ...r }) => r);
  return { groups: [{ name: file, rules }] };
}

describe('AiServiceDown: down for 2 minutes fires 2 minutes (plus one evaluation) into the outage', () => {
  const dev = loadNamed('dev');
  const files = renderStack(dev);
  const labels = { job: 'backend', instance: 'host.docker.internal:8000', service: 'backend' };
  const sel = (metric: string, extra: Record<string, string> = {}) =>
    `${metric}{${Object.entries({ ...labels, ...extra }).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
  const outageAt = 5; // minutes: healthy samples 0..4, the AI down from the sample at 5m on
  const fireBy = outageAt + SEED_AI_DOWN_MINUTES; // evaluations fall on the samples here
  const expected = [{ exp_labels: { ...labels, severity: 'critical' } }];
  /** A test case: the health gauge goes down at `outageAt`; the AI requests as given. */
  const outage = (requests: Array<{ series: string; values: string }>) => ({
    tests: [
      {
        interval: '1m',
        input_series: [{ series: sel('ai_up'), values: `1x${outageAt - 1} 0x20` }, ...requests],
        alert_rule_test: [
          { eval_time: `${fireBy - EVAL_MINUTES}m`, alertname: 'AiServiceDown', exp_alerts: [] },
          { eval_time: `${fireBy}m`, alertname: 'AiServiceDown', exp_alerts: expected },
        ],
      },
    ],
  });
  // The app stops sending AI requests when the model is gone: both counters flat, the error ratio 0/0.
  const noTraffic = [
    { series: sel('ai_requests_total', { model: 'llama3', status: 'success' }), values: `0+10x${outageAt - 1} ${10 * (outageAt - 1)}x20` },
    { series: sel('ai_requests_total', { model: 'llama3', status: 'error' }), values: '0x25' },
  ];
  // Or it keeps trying and every request fails.
  const failing = [
    { series: sel('ai_requests_total', { model: 'llama3', status: 'success' }), values: `0+10x${outageAt - 1} ${10 * (outageAt - 1)}x20` },
    { series: sel('ai_requests_total', { model: 'llama3', status: 'error' }), values: `0x${outageAt - 1} 10+10x20` },
  ];

  test.each([
    ['no AI requests at all (0/0)', noTraffic],
    ['every AI request failing', failing],
  ])('with %s: silent one evaluation before, firing at outage + 2m (promtool)', (_name, requests) => {
    const res = promtool(rulesOf(files, 'ai', 'AiServiceDown'), outage(requests));
    expect({ status: res.status, output: res.output }).toMatchObject({ status: 0 });
  });

  test('the previous rule (failed-request ratio over 2m, for 2m) misses the seed timing: the check can fail', () => {
    const previous = {
      groups: [
        {
          name: 'ai',
          rules: [
            {
              alert: 'AiServiceDown',
              expr:
                'sum by (job, service) (rate(ai_requests_total{job="backend",status="error"}[2m]))\n/\n' +
                'sum by (job, service) (rate(ai_requests_total{job="backend"}[2m]))\n>= 1',
              for: '2m',
              labels: { severity: 'critical' },
            },
          ],
        },
      ],
    };
    for (const requests of [noTraffic, failing]) expect(promtool(previous, outage(requests)).status).not.toBe(0);
  });

  test('the demo app reports the health gauge the rule watches', () => {
    expect(fs.readFileSync(path.join(__dirname, 'fixtures', 'demo-metrics.txt'), 'utf8')).toMatch(/^ai_up 1$/m);
  });
});

describe('MetricsMissing: a target up without a declared family\'s key metric', () => {
  const dev = loadNamed('dev');
  const noData = () => resolveAlerts(dev).find((g) => g.name === 'nodata')!;

  test('one rule per declared family and key metric, over every target that declares it', () => {
    const input = devInput();
    const expected: Array<{ jobs: string[]; family: string; key: string }> = [];
    for (const t of input.scrapeTargets!) {
      for (const f of t.ruleSets ?? []) {
        const key = FAMILY_KEY_METRICS[f as keyof typeof FAMILY_KEY_METRICS];
        const same = expected.find((e) => e.family === f && e.key === key);
        if (same) same.jobs.push(t.job);
        else expected.push({ jobs: [t.job], family: f, key });
      }
    }
    const got = noData().rules.map((r) => ({
      jobs: r.jobs,
      family: r.labels.family,
      key: r.kind === 'raw' ? /unless on \(job, instance\)\n([a-z_:]+)\{/.exec(r.expr)?.[1] : undefined,
    }));
    expect(got).toEqual(expected);
    for (const r of noData().rules) expect(r).toMatchObject({ name: 'MetricsMissing', severity: 'warning', for: '10m' });
  });

  test('the generated tests pass promtool; dropping the presence check makes them fail', () => {
    const files = renderStack(dev);
    const rules = yaml.load(files['prometheus/rules/nodata.yml']) as { groups: Array<{ rules: Array<{ expr: string }> }> };
    const tests = yaml.load(files['prometheus/tests/nodata.test.yml']) as { tests: object[] };
    expect(tests.tests.length).toBe(2 * rules.groups[0].rules.length); // a firing and a quiet case each
    const pass = promtool(rules, { tests: tests.tests });
    expect({ status: pass.status, output: pass.output }).toMatchObject({ status: 0 });
    // Failing fixture: a guard that only looks at `up` fires in the quiet cases too.
    for (const r of rules.groups[0].rules) r.expr = r.expr.replace(/\nunless[\s\S]*$/, '');
    expect(promtool(rules, { tests: tests.tests }).status).not.toBe(0);
  });

  test('the key metric is the exported name; a stack family\'s key is its first metric (a histogram by _count)', () => {
    const input = devInput();
    input.metricFamilies = { chat: { metrics: { chat_reply_seconds: { type: 'histogram' }, chat_messages_total: { type: 'counter' } } } };
    input.scrapeTargets![0].ruleSets = ['ai', 'chat'];
    input.scrapeTargets![0].metrics = { ai: { names: { ai_up: 'llm_backend_up' } } };
    const group = resolveAlerts(validate(input)).find((g) => g.name === 'nodata')!;
    const exprs = Object.fromEntries(group.rules.filter((r) => r.jobs[0] === 'backend').map((r) => [r.labels.family, r.kind === 'raw' ? r.expr : '']));
    expect(exprs.ai).toMatch(/\nllm_backend_up\{job="backend"\}$/);
    expect(exprs.chat).toMatch(/\nchat_reply_seconds_count\{job="backend"\}$/);
  });

  test('targets sharing a family and key share one rule; another exported name gets its own; promtool accepts them', () => {
    const input = devInput();
    input.scrapeTargets!.push({ job: 'redis2', targets: ['redis2:9121'], ruleSets: ['redis'] });
    input.scrapeTargets!.push({ job: 'redis3', targets: ['redis3:9121'], ruleSets: ['redis'], metrics: { redis: { names: { redis_up: 'kv_up' } } } });
    const files = renderStack(validate(input));
    const dir = tmpDir('seed-fidelity-');
    fs.writeFileSync(path.join(dir, 'nodata.yml'), files['prometheus/rules/nodata.yml']);
    const res = spawnSync('promtool', ['check', 'rules', path.join(dir, 'nodata.yml')], { encoding: 'utf8', timeout: 60_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    expect({ status: res.status, output: `${res.stdout}${res.stderr}` }).toMatchObject({ status: 0 });
    const redisJobs = input.scrapeTargets!.filter((t) => t.ruleSets?.includes('redis') && !t.metrics).map((t) => t.job);
    const redis = resolveAlerts(validate(input)).find((g) => g.name === 'nodata')!.rules.filter((r) => r.labels.family === 'redis');
    expect(redis.map((r) => r.jobs)).toEqual([redisJobs, ['redis3']]);
    expect(redis[1].kind === 'raw' && redis[1].expr).toMatch(/\nkv_up\{job="redis3"\}$/);
  });

  test('overrides: disabled removes the guards; severity and for apply', () => {
    const off = devInput();
    off.alerts = { overrides: { MetricsMissing: { enabled: false } } };
    expect(resolveAlerts(validate(off)).map((g) => g.name)).not.toContain('nodata');
    const tuned = devInput();
    tuned.alerts = { overrides: { MetricsMissing: { severity: 'info', for: '30m' } } };
    const rules = resolveAlerts(validate(tuned)).find((g) => g.name === 'nodata')!.rules;
    for (const r of rules) expect(r).toMatchObject({ severity: 'info', for: '30m' });
    const bad = devInput();
    bad.alerts = { overrides: { MetricsMissing: { threshold: 3 } } };
    expect(() => validate(bad)).toThrow(/\$\.alerts\.overrides\.MetricsMissing\.threshold: MetricsMissing has no threshold/);
  });
});
