/**
 * Alert texts tell the truth: catalog summaries and descriptions show the effective threshold, `for` and window
 * after overrides (ratios as percentages, latencies as durations, each tier its own threshold); overrides replace
 * texts and add annotations; the generated rule tests expect exactly the text a receiver gets, and promtool agrees.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveAlerts } from '../src/alerts';
import { annotations } from '../src/render/rules';
import { renderStack } from '../src/render';
import { alertStack, promChecks, problemsOf, synthFixture } from './alert-fixture';
import { parseYaml, validate } from './helpers';

const rulesOf = (input: unknown, name: string) => resolveAlerts(validate(input)).flatMap((g) => g.rules).filter((r) => r.name === name);

describe('catalog texts follow the overrides', () => {
  test('threshold, for and window of a ratio alert', () => {
    const input = alertStack();
    const o = { threshold: 0.02, for: '3m', window: '15m' };
    input.alerts.overrides = { HttpServerErrorRatioHigh: o };
    const [rule] = rulesOf(input, 'HttpServerErrorRatioHigh');
    const text = annotations(rule);
    // Expected from the override: 0.02 → "2%", 3m → "3 minutes", 15m → "15 minutes".
    expect(text.summary).toBe(`{{ $labels.service }}: more than ${o.threshold * 100}% of HTTP requests fail with 5xx`);
    expect(text.description).toBe('{{ $value | humanizePercentage }} of requests to {{ $labels.service }} returned 5xx over the last 15 minutes; above 2% for 3 minutes.');
    expect(JSON.stringify(text)).not.toMatch(/\b1%|\b5 minutes/);
  });

  test('sub-minute and compound durations read as words', () => {
    const input = alertStack();
    input.alerts.overrides = { RedisDown: { for: '1m30s' }, CacheMissRatioHigh: { for: '30s', window: '2h' } };
    expect(annotations(rulesOf(input, 'RedisDown')[0]).description).toBe('The Redis exporter {{ $labels.instance }} has not reached Redis for 1 minute 30 seconds.');
    expect(annotations(rulesOf(input, 'CacheMissRatioHigh')[0]).description).toMatch(/over the last 2 hours; above 50% for 30 seconds\.$/);
  });

  test('each severity tier shows its own threshold (a latency as a duration)', () => {
    const input = alertStack();
    input.alerts.overrides = { HttpLatencyP95High: { thresholds: { warning: 1.5, critical: 0.5 * 8 } } };
    const tiers = rulesOf(input, 'HttpLatencyP95High');
    expect(tiers.map((r) => [r.severity, annotations(r).summary])).toEqual([
      ['warning', '{{ $labels.service }}: p95 HTTP latency above 1.5s'],
      ['critical', '{{ $labels.service }}: p95 HTTP latency above 4s'],
    ]);
    const cpu = rulesOf(input, 'CpuUsageHigh');
    expect(cpu.map((r) => annotations(r).summary)).toEqual(['{{ $labels.service }}: CPU usage above 60%', '{{ $labels.service }}: CPU usage above 80%']);
  });

  test('summary, description, runbookUrl and extra annotations can be overridden', () => {
    const input = alertStack();
    input.alerts.overrides = {
      RedisDown: {
        summary: 'Redis {{ $labels.instance }} down',
        description: 'Down for {for}; see the runbook.',
        runbookUrl: 'https://runbooks.example.com/redis',
        annotations: { dashboard: 'https://grafana.example.com/d/redis?var-instance={{ $labels.instance }}' },
      },
    };
    const files = renderStack(validate(input));
    const rule = parseYaml(files['prometheus/rules/redis.yml']).groups[0].rules[0];
    expect(rule.annotations).toEqual({
      summary: 'Redis {{ $labels.instance }} down',
      description: 'Down for 1 minute; see the runbook.',
      runbook_url: 'https://runbooks.example.com/redis',
      dashboard: 'https://grafana.example.com/d/redis?var-instance={{ $labels.instance }}',
    });
    const firing = parseYaml(files['prometheus/tests/redis.test.yml']).tests.flatMap((t: any) => t.alert_rule_test).find((c: any) => c.exp_alerts.length);
    expect(firing.exp_alerts[0].exp_annotations).toEqual({
      summary: 'Redis redis-exporter:9121 down',
      description: 'Down for 1 minute; see the runbook.',
      runbook_url: 'https://runbooks.example.com/redis',
      dashboard: 'https://grafana.example.com/d/redis?var-instance=redis-exporter:9121',
    });
  });

  test('an override text with an unsupported template, or an annotation that has its own field, is refused', () => {
    const input = alertStack();
    input.alerts.overrides = { RedisDown: { summary: '{{ .Labels.instance }}', annotations: { summary: 'x' } } };
    expect(problemsOf(input)).toEqual([
      '$.alerts.overrides.RedisDown.annotations.summary: "summary" has its own field; expected it as summary',
      expect.stringMatching(/^\$\.alerts\.overrides\.RedisDown\.summary: template action \{\{ \.Labels\.instance \}\} is not supported; expected .*the functions humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp, printf, title, toUpper, toLower, reReplaceAll$/),
    ]);
  });
});

describe('the rule tests expect the texts a receiver gets, and promtool agrees', () => {
  const input = alertStack();
  input.alerts.overrides = {
    HttpServerErrorRatioHigh: { threshold: 0.02, for: '3m', window: '15m' },
    RedisDown: { annotations: { team: 'cache {{ $labels.job | toUpper }}' } },
  };
  input.alerts.custom = [
    // The README's raw alert: no summary, and its default text names a label the expression does not keep.
    { kind: 'raw', name: 'NoChatMessages', severity: 'info', expr: 'sum(rate(chat_messages_sent_total{job="api"}[15m])) == 0', for: '30m',
      test: { firing: [{ series: 'chat_messages_sent_total{job="api"}', values: '5x60' }], quiet: [{ series: 'chat_messages_sent_total{job="api"}', values: '0+5x60' }], fireAt: '50m' } },
  ];
  const { stack, files } = synthFixture(input);
  const testFile = (group: string) => path.join(files, 'prometheus', 'tests', `${group}.test.yml`);

  test('the firing case of the overridden alert expects the overridden numbers', () => {
    const cases = parseYaml(fs.readFileSync(testFile('http'), 'utf8')).tests.flatMap((t: any) => t.alert_rule_test);
    const fired = cases.filter((c: any) => c.alertname === 'HttpServerErrorRatioHigh' && c.exp_alerts.length).map((c: any) => c.exp_alerts[0].exp_annotations);
    expect(fired.length).toBeGreaterThan(0);
    // 2 × the 2 % threshold is the generator's firing input, so $value is 4 %.
    expect(fired[0]).toEqual({
      summary: 'chat-api: more than 2% of HTTP requests fail with 5xx',
      description: '4% of requests to chat-api returned 5xx over the last 15 minutes; above 2% for 3 minutes.',
    });
  });

  test('a raw alert without a summary renders the missing label as an empty string', () => {
    const cases = parseYaml(fs.readFileSync(testFile('custom'), 'utf8')).tests.flatMap((t: any) => t.alert_rule_test);
    expect(cases.find((c: any) => c.exp_alerts.length).exp_alerts[0].exp_annotations).toEqual({ summary: 'NoChatMessages on ', description: 'NoChatMessages is firing.' });
  });

  test('promtool passes every generated test', async () => {
    const failed = (await promChecks(stack, files)).filter((r) => !r.ok);
    expect(failed).toEqual([]);
  });

  test('a wrong expected text fails promtool, and check names the test file, its rule file and the test', async () => {
    const file = testFile('http');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('above 2% for 3 minutes', 'above 1% for 5 minutes'));
    const failed = (await promChecks(stack, files)).filter((r) => !r.ok);
    expect(failed.map((r) => r.name)).toEqual(['promtool test rules prometheus/tests/http.test.yml (rule file prometheus/rules/http.yml)']);
    expect(failed[0].detail).toMatch(/^failing test "HttpServerErrorRatioHigh at 0\.04: fires critical": alert HttpServerErrorRatioHigh at \d+m/);
  });
});
