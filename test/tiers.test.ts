/**
 * Severity tiers: every typed custom alert takes `thresholds: { warning, critical }` (one rule per severity, same
 * alert name, so the stack's critical-over-warning inhibit rule applies as for the catalog's tiers); tiers in the
 * wrong order for the operator are refused, for custom alerts and catalog overrides. The generated rule tests give
 * each tier a firing and a silent case, and ratio tests carry series the selectors must not count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveAlerts } from '../src/alerts';
import { alertExpr } from '../src/render/rules';
import { alertStack, promChecks, problemsOf, synthFixture } from './alert-fixture';
import { parseYaml, validate } from './helpers';

function tieredStack() {
  const input = alertStack();
  input.alerts.custom = [
    { kind: 'gauge', name: 'QueueDeep', jobs: ['api'], metric: 'queue_depth', thresholds: { warning: 100, critical: 500 } },
    { kind: 'gauge', name: 'DiskFreeLow', jobs: ['api'], metric: 'disk_free_ratio', op: '<', thresholds: { warning: 0.2, critical: 0.05 } },
    { kind: 'ratio', name: 'LoginFailures', jobs: ['api'], thresholds: { warning: 0.1, critical: 0.3 },
      numerator: { metric: 'logins_total', matchers: 'result="fail"', sample: { result: 'fail' } },
      denominator: { metrics: ['logins_total'], sample: { result: 'ok' } } },
    { kind: 'latency', name: 'SlowSearch', jobs: ['api'], histogram: 'search_seconds', thresholds: { warning: 0.5, critical: 2 } },
    { kind: 'increase', name: 'Restarts', jobs: ['api'], metric: 'restarts_total', thresholds: { warning: 1, critical: 5 }, window: '10m' },
  ];
  return input;
}

describe('tiers of a custom alert', () => {
  const input = tieredStack();
  const rules = resolveAlerts(validate(input)).flatMap((g) => g.rules);
  const tiers = (name: string) => rules.filter((r) => r.name === name);

  test('one rule per severity, same name, each at its own threshold', () => {
    expect(tiers('QueueDeep').map((r) => [r.severity, alertExpr(r)])).toEqual([
      ['warning', 'queue_depth{job="api"} > 100'],
      ['critical', 'queue_depth{job="api"} > 500'],
    ]);
    expect(tiers('DiskFreeLow').map((r) => alertExpr(r))).toEqual(['disk_free_ratio{job="api"} < 0.2', 'disk_free_ratio{job="api"} < 0.05']);
    for (const name of ['LoginFailures', 'SlowSearch', 'Restarts']) expect(tiers(name).map((r) => r.severity)).toEqual(['warning', 'critical']);
  });

  test('the tiers carry the labels the inhibit rule compares (alertname via the name, severity)', () => {
    const inhibit = input.alertmanager.inhibitRules![0];
    expect(inhibit.equal).toEqual(['alertname', 'service']);
    expect(new Set(tiers('QueueDeep').map((r) => r.name)).size).toBe(1);
    expect(tiers('QueueDeep').map((r) => r.labels.severity ?? r.severity)).toEqual(['warning', 'critical']);
  });

  describe('generated rule tests', () => {
    const { stack, files } = synthFixture(input);
    const read = (f: string) => parseYaml(fs.readFileSync(path.join(files, 'prometheus', 'tests', f), 'utf8'));

    test.each([
      ['custom.test.yml', ['QueueDeep', 'DiskFreeLow', 'LoginFailures', 'SlowSearch', 'Restarts']],
      ['http.test.yml', ['HttpLatencyP95High']],
      ['system.test.yml', ['CpuUsageHigh', 'MemoryUsageHigh', 'DiskUsageHigh']],
    ])('%s: every tier has a case where it fires and one where it is silent', (file, names) => {
      const finals = read(file).tests.map((t: any) => t.alert_rule_test.at(-1));
      for (const name of names) {
        for (const severity of ['warning', 'critical']) {
          const cases = finals.filter((c: any) => c.alertname === name);
          const fires = cases.filter((c: any) => c.exp_alerts.some((a: any) => a.exp_labels.severity === severity));
          const silent = cases.filter((c: any) => !c.exp_alerts.some((a: any) => a.exp_labels.severity === severity));
          expect([name, severity, fires.length > 0, silent.length > 0]).toEqual([name, severity, true, true]);
        }
        // Warning alone (between the tiers) is one of the cases.
        expect(finals.some((c: any) => c.alertname === name && c.exp_alerts.map((a: any) => a.exp_labels.severity).join() === 'warning')).toBe(true);
      }
    });

    test('promtool passes them', async () => {
      expect((await promChecks(stack, files)).filter((r) => !r.ok)).toEqual([]);
    });

    test('a rule whose critical tier drifted from the config fails its test', async () => {
      const rules = path.join(files, 'prometheus', 'rules', 'custom.yml');
      fs.writeFileSync(rules, fs.readFileSync(rules, 'utf8').replace('queue_depth{job="api"} > 500', 'queue_depth{job="api"} > 50'));
      const failed = (await promChecks(stack, files)).filter((r) => !r.ok);
      expect(failed.map((r) => r.name)).toEqual(['promtool test rules prometheus/tests/custom.test.yml (rule file prometheus/rules/custom.yml)']);
      expect(failed[0].detail).toMatch(/failing test "QueueDeep at [\d.]+: fires warning": alert QueueDeep/);
    });
  });
});

describe('ratio tests include series the selectors must not count', () => {
  const { stack, files } = synthFixture(alertStack());
  const httpTests = () => parseYaml(fs.readFileSync(path.join(files, 'prometheus', 'tests', 'http.test.yml'), 'utf8')).tests;

  test('a 4xx series next to the 5xx numerator, and another job\'s errors', () => {
    const series = httpTests().find((t: any) => t.name.startsWith('HttpServerErrorRatioHigh')).input_series.map((s: any) => s.series);
    expect(series.some((s: string) => /job="api"/.test(s) && /status="4\d\d"/.test(s))).toBe(true);
    expect(series.some((s: string) => /job="api_other"/.test(s) && /status="5\d\d"/.test(s))).toBe(true);
  });

  test.each([
    ['a numerator without its status matcher', 'http_requests_total{job="api",status=~"5.."}', 'http_requests_total{job="api",status=~"5..|4.."}'],
    // (Only the numerator's would be harmless: the division matches on job, so it drops the other job's series.)
    ['selectors without the job matcher', /job="api",?/g, ''],
  ])('%s fails the tests', async (_what, from, to) => {
    const rules = path.join(files, 'prometheus', 'rules', 'http.yml');
    const original = fs.readFileSync(rules, 'utf8');
    try {
      const changed = original.replace(from as any, to as string);
      expect(changed).not.toBe(original);
      fs.writeFileSync(rules, changed);
      const failed = (await promChecks(stack, files)).filter((r) => !r.ok);
      expect(failed.map((r) => r.name)).toEqual(['promtool test rules prometheus/tests/http.test.yml (rule file prometheus/rules/http.yml)']);
    } finally {
      fs.writeFileSync(rules, original);
    }
  });
});

describe('tiers in the wrong order are refused', () => {
  const custom = (over: object) => {
    const input = alertStack();
    input.alerts.custom = [{ kind: 'gauge', name: 'QueueDeep', jobs: ['api'], metric: 'queue_depth', ...over } as any];
    return problemsOf(input);
  };

  test('for ">" warning must be below critical', () => {
    expect(custom({ thresholds: { warning: 8, critical: 5 } })).toEqual([
      '$.alerts.custom[0].thresholds: warning 8 must be below critical 5 for the operator >; expected warning < critical',
    ]);
    expect(custom({ thresholds: { warning: 5, critical: 5 } })).toHaveLength(1);
  });

  test('for "<" the order is reversed', () => {
    expect(custom({ op: '<', thresholds: { warning: 5, critical: 8 } })).toEqual([
      '$.alerts.custom[0].thresholds: warning 5 must be above critical 8 for the operator <; expected warning > critical',
    ]);
    expect(custom({ op: '<', thresholds: { warning: 8, critical: 5 } })).toEqual([]);
  });

  test('"==" has no order; threshold and thresholds together, or neither, are refused', () => {
    expect(custom({ op: '==', thresholds: { warning: 1, critical: 2 } })).toEqual([expect.stringMatching(/^\$\.alerts\.custom\[0\]\.thresholds: severity tiers need an ordering operator/)]);
    expect(custom({ threshold: 3, thresholds: { warning: 1, critical: 2 } })).toEqual([expect.stringMatching(/^\$\.alerts\.custom\[0\]\.thresholds: give either "threshold"/)]);
    expect(custom({})).toEqual([expect.stringMatching(/^\$\.alerts\.custom\[0\]: missing threshold; expected "threshold" or "thresholds"/)]);
  });

  test('a catalog override that puts warning above the catalog critical (8 > 5)', () => {
    const input = alertStack();
    input.alerts.overrides = { HttpLatencyP95High: { thresholds: { warning: 8 } } };
    expect(problemsOf(input)).toEqual([
      '$.alerts.overrides.HttpLatencyP95High.thresholds: warning 8 must be below critical 5 for the operator >; expected warning < critical',
    ]);
  });
});
