/**
 * Rule-file details that mutation testing (docs/testing.md) found unpinned: `for` omitted at 0s, default
 * annotations, increase and raw expressions, and the secrets the Alertmanager config reads. Fixture stacks only.
 */
import { resolveAlerts } from '../src/alerts';
import { alertExpr, annotations, durationWords, ruleFile } from '../src/render/rules';
import { alertmanagerConfig, alertmanagerSecrets } from '../src/render/alertmanager';
import { loadFixture, seedInput, validate } from './helpers';

const rulesOf = (stack = loadFixture('dev')) => resolveAlerts(stack).flatMap((g) => g.rules);
const rule = (name: string) => rulesOf().find((r) => r.name === name)!;

test('a rule file omits `for` at 0s and keeps it otherwise', () => {
  const stackGroup = resolveAlerts(loadFixture('dev')).find((g) => g.name === 'stack')!;
  const rules = (ruleFile(stackGroup) as any).groups[0].rules;
  expect(rules.find((r: any) => r.alert === 'Watchdog')).not.toHaveProperty('for');
  expect(rules.find((r: any) => r.alert === 'TargetDown').for).toBe('5m');
});

test('increase and raw expressions', () => {
  expect(alertExpr(rule('PrometheusRuleEvaluationFailures'))).toMatch(/^increase\(prometheus_rule_evaluation_failures_total\{job="prometheus"\}\[\d+m\]\) > 0$/);
  // A raw rule as resolved (raw alerts need their own test input to validate; the expression is what matters).
  expect(alertExpr({ kind: 'raw', name: 'Raw', jobs: [], expr: '  up == 0 \n', severity: 'warning' } as any)).toBe('up == 0');
});

test('default annotations: name and job, the value with the threshold and operator, runbook_url', () => {
  const input = seedInput();
  input.alerts = {
    ...input.alerts,
    custom: [
      { kind: 'gauge', name: 'QueueBacklog', jobs: ['backend'], metric: 'worker_queue_depth', op: '<', threshold: 5, severity: 'warning', runbookUrl: 'https://runbooks.example.com/q' } as any,
    ],
  };
  const rules = rulesOf(validate(input));
  expect(annotations(rules.find((r) => r.name === 'QueueBacklog')!)).toEqual({
    summary: 'QueueBacklog on {{ $labels.job }}',
    description: '{{ $labels.job }}: {{ $value | humanize }} (threshold < 5).',
    runbook_url: 'https://runbooks.example.com/q',
  });
  expect(annotations({ kind: 'raw', name: 'Raw', expr: 'up == 0', severity: 'warning' } as any)).toEqual({ summary: 'Raw on {{ $labels.job }}', description: 'Raw is firing.' });
});

test('the Alertmanager secrets: every referenced name once, sorted; a plain webhook URL is none', () => {
  expect(alertmanagerSecrets(loadFixture('dev'))).toEqual(['slackWebhookUrl', 'smtpPassword']);
  const input = seedInput();
  input.alertmanager.receivers = [...input.alertmanager.receivers, { name: 'relay', webhook: [{ url: 'http://alert-relay:8080/alerts' }, { url: { secret: 'aWebhook' } }] }];
  expect(alertmanagerSecrets(validate(input))).toEqual(['aWebhook', 'slackWebhookUrl', 'smtpPassword']);
});

describe('durations in words (alert texts)', () => {
  // Expectations written from the duration itself: each unit once, singular for 1, separated by one space.
  test.each([
    ['5m', '5 minutes'],
    ['1m30s', '1 minute 30 seconds'],
    ['90s', '1 minute 30 seconds'],
    ['2h', '2 hours'],
    ['1d1h1m1s', '1 day 1 hour 1 minute 1 second'],
    ['1500ms', '1 second 500 milliseconds'],
    ['0s', '0 seconds'],
  ])('%s reads "%s"', (duration, words) => {
    expect(durationWords(duration)).toBe(words);
  });
});

describe('child routes (alertmanager.yml)', () => {
  test('carry exactly the settings the config gives, in Alertmanager keys', () => {
    const input = seedInput() as any;
    input.alertmanager.route.routes = [
      { matchers: ['severity="critical"'], receiver: input.alertmanager.route.receiver, groupBy: ['alertname'], groupWait: '10s', groupInterval: '1m', repeatInterval: '2h', continue: true },
      { matchers: ['severity="info"'] },
    ];
    const routes = (alertmanagerConfig(validate(input)) as any).route.routes;
    expect(routes[0]).toEqual({
      receiver: input.alertmanager.route.receiver,
      matchers: ['severity="critical"'],
      group_by: ['alertname'],
      group_wait: '10s',
      group_interval: '1m',
      repeat_interval: '2h',
      continue: true,
    });
    expect(routes[1]).toEqual({ matchers: ['severity="info"'] });
  });
});
