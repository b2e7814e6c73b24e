/**
 * Any valid duration works: `for`, windows and group intervals such as 30s, 90s, 1m30s and 2h give rule tests
 * promtool accepts (the series step divides every duration), a window shorter than two scrapes of a watched job is
 * refused with its path, the job and its interval, and a rule group can set its own evaluation interval.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDuration } from '../src/duration';
import { alertStack, promChecks, problemsOf, synthFixture } from './alert-fixture';
import { parseYaml, runCli, tmpDir } from './helpers';

const DURATIONS = ['30s', '90s', '1m30s', '2h'];

function stackWithDurations() {
  const input = alertStack();
  input.alerts.overrides = {
    RedisDown: { for: '30s' },
    HttpServerErrorRatioHigh: { for: '90s', window: '1m30s' },
    CacheMissRatioHigh: { for: '1m30s', window: '2h' },
    CpuUsageHigh: { for: '2h' },
  };
  input.alerts.custom = [
    { kind: 'down', name: 'ApiDown', jobs: ['api'], for: '30s' },
    { kind: 'gauge', name: 'QueueDeep', jobs: ['api'], metric: 'queue_depth', threshold: 100, for: '90s' },
    { kind: 'increase', name: 'Crashes', jobs: ['api'], metric: 'crashes_total', threshold: 2, for: '1m30s', window: '90s' },
    { kind: 'latency', name: 'SlowLogin', jobs: ['api'], histogram: 'login_duration_seconds', threshold: 0.3, for: '30s', window: '2m' },
    // A threshold below one event per step: its silent input must stay clearly below it (found by the property test).
    { kind: 'increase', name: 'RareErrors', jobs: ['api'], metric: 'rare_errors_total', threshold: 0.01, for: '30s', window: '5m' },
  ];
  input.alerts.groups = { custom: { interval: '90s' } };
  return input;
}

describe('sub-minute and compound durations', () => {
  const { stack, files } = synthFixture(stackWithDurations());
  const testFiles = fs.readdirSync(path.join(files, 'prometheus', 'tests'));

  test('every duration in a test file is a whole number of its steps', () => {
    for (const name of testFiles) {
      const file = parseYaml(fs.readFileSync(path.join(files, 'prometheus', 'tests', name), 'utf8'));
      for (const t of file.tests) {
        const step = parseDuration(t.interval);
        for (const s of t.input_series) expect(s.values).toMatch(/^[\d.+-]+x\d+$/); // "0+5x12": a whole repeat count
        for (const c of t.alert_rule_test) expect(parseDuration(c.eval_time) % step).toBe(0);
      }
    }
  });

  test('the step divides the overridden durations: 30 s where a `for` is 30 s or 90 s', () => {
    const redis = parseYaml(fs.readFileSync(path.join(files, 'prometheus', 'tests', 'redis.test.yml'), 'utf8'));
    // RedisDown's firing and silent tests (the file also tests the group's other alerts).
    const redisDown = redis.tests.filter((t: any) => t.alert_rule_test.some((c: any) => c.alertname === 'RedisDown'));
    expect(redisDown.map((t: any) => t.interval)).toEqual(['30s', '30s']);
    const firing = redisDown.find((t: any) => t.alert_rule_test.some((c: any) => c.exp_alerts.length));
    // Pending one step before `for` (30 s) has passed, firing after `for` and one evaluation.
    expect(firing.alert_rule_test.map((c: any) => c.eval_time)).toEqual(['0s', '1m']);
  });

  test('a group interval is written to the rule file and the tests evaluate with it', () => {
    const rules = parseYaml(fs.readFileSync(path.join(files, 'prometheus', 'rules', 'custom.yml'), 'utf8'));
    expect(rules.groups[0].interval).toBe('90s');
    const tests = parseYaml(fs.readFileSync(path.join(files, 'prometheus', 'tests', 'custom.test.yml'), 'utf8'));
    expect(parseDuration(tests.evaluation_interval)).toBe(parseDuration('90s'));
    expect(tests.tests.every((t: any) => parseDuration('90s') % parseDuration(t.interval) === 0)).toBe(true);
  });

  test(`for and windows of ${DURATIONS.join(', ')} pass promtool test rules`, async () => {
    expect((await promChecks(stack, files)).filter((r) => !r.ok)).toEqual([]);
  });

  test('a series notation with a fractional repeat count (the old 0x3.5) fails, naming the test and rule file', async () => {
    const file = path.join(files, 'prometheus', 'tests', 'redis.test.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/values: (\d+)x(\d+)/, 'values: $1x3.5'));
    const failed = (await promChecks(stack, files)).filter((r) => !r.ok);
    expect(failed.map((r) => r.name)).toEqual(['promtool test rules prometheus/tests/redis.test.yml (rule file prometheus/rules/redis.yml)']);
    expect(failed[0].detail).toMatch(/invalid repetition in series values/);
  });
});

describe('a window must hold two scrapes of every job it watches', () => {
  test('a custom alert: path, job and interval in the message', () => {
    const input = alertStack();
    (input.scrapeTargets![0] as any).interval = '1m';
    input.alerts.custom = [{ kind: 'increase', name: 'Crashes', jobs: ['api'], metric: 'crashes_total', window: '90s' }];
    expect(problemsOf(input)).toEqual([
      '$.alerts.custom[0].window: the window 90s of Crashes holds fewer than two scrapes of job "api" (scrape interval 1m); expected a window of at least 2m',
    ]);
    input.alerts.custom[0] = { ...input.alerts.custom[0], window: '2m' } as any;
    expect(problemsOf(input)).toEqual([]);
  });

  test('a catalog override, against the global scrape interval', () => {
    const input = alertStack();
    input.alerts.overrides = { HttpServerErrorRatioHigh: { window: '20s' } };
    expect(problemsOf(input)).toEqual([
      '$.alerts.overrides.HttpServerErrorRatioHigh.window: the window 20s of HttpServerErrorRatioHigh holds fewer than two scrapes of job "api" (scrape interval 15s); expected a window of at least 30s',
    ]);
  });

  test('the CLI exits 2 and writes nothing', () => {
    const input = alertStack();
    input.alerts.overrides = { CacheMissRatioHigh: { window: '15s' } };
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'stack.json'), JSON.stringify(input));
    const res = runCli('synth', ['--config', path.join(dir, 'stack.json'), '--out', path.join(dir, 'out')]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('stack.json: $.alerts.overrides.CacheMissRatioHigh.window: the window 15s of CacheMissRatioHigh holds fewer than two scrapes of job "api" (scrape interval 15s)');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('an unknown rule group is refused', () => {
    const input = alertStack();
    input.alerts.groups = { htpp: { interval: '30s' } };
    expect(problemsOf(input)).toEqual([expect.stringMatching(/^\$\.alerts\.groups\.htpp: no rule group named "htpp"; expected one of: http, ai, .*, stack, probes, nodata, custom$/)]);
  });
});
