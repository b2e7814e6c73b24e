/**
 * Recording rules for shared expressions (src/render/recording.ts): which terms a group records, what the alerts
 * then read, and that a term used once stays inline. Expectations come from the fixture's catalog alerts: the HTTP
 * 5xx and 4xx ratios share one total, the p95 latency tiers share one quantile, a miss ratio counts its misses twice.
 */
import { resolveAlerts, RuleGroup } from '../src/alerts';
import { alertExpr, ruleFile } from '../src/render/rules';
import { recordingPlan, ruleTerms } from '../src/render/recording';
import { ruleUses } from '../src/contract/usage';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadFixture, seedInput, tmpDir, validate } from './helpers';

const groupOf = (name: string, stack = loadFixture('dev')) => resolveAlerts(stack).find((g) => g.name === name)!;
const rulesIn = (group: RuleGroup, options = {}) => (ruleFile(group, options) as any).groups[0].rules as Array<Record<string, any>>;

describe('recording rules for shared expressions', () => {
  test('the HTTP group records the total both error ratios divide by, and the quantile both latency tiers compare', () => {
    const http = groupOf('http');
    const total = 'sum by (job, service) (rate(http_requests_total{job="backend"}[5m]))';
    const p95 = 'histogram_quantile(0.95, sum by (job, service, le) (rate(http_request_duration_seconds_bucket{job="backend"}[5m])))';
    expect(recordingPlan(http, alertExpr).records).toEqual([
      { record: 'http:job_service:http_requests:rate5m', expr: total },
      { record: 'http:job_service:http_request_duration_seconds:p95_5m', expr: p95 },
    ]);
    const rules = rulesIn(http);
    // Records first: a group evaluates its rules in order, so the alerts read this evaluation's values.
    expect(rules.slice(0, 2).map((r) => r.record)).toEqual(['http:job_service:http_requests:rate5m', 'http:job_service:http_request_duration_seconds:p95_5m']);
    const server = rules.find((r) => r.alert === 'HttpServerErrorRatioHigh')!;
    expect(server.expr).toBe('sum by (job, service) (rate(http_requests_total{job="backend",status=~"5.."}[5m]))\n/\nhttp:job_service:http_requests:rate5m\n> 0.01');
    expect(rules.filter((r) => r.alert === 'HttpLatencyP95High').map((r) => r.expr)).toEqual([
      'http:job_service:http_request_duration_seconds:p95_5m\n> 2',
      'http:job_service:http_request_duration_seconds:p95_5m\n> 5',
    ]);
  });

  test('a term used more than once inside one alert is recorded (the misses of a miss ratio)', () => {
    const rules = rulesIn(groupOf('cache'));
    expect(rules[0]).toEqual({ record: 'cache:job_service:cache_misses:rate5m', expr: 'sum by (job, service) (rate(cache_misses_total{job="backend"}[5m]))' });
    // The numerator, the `or … * 0` stand-in for missing hits, and the sum's second term.
    expect(rules[1].expr.split('cache:job_service:cache_misses:rate5m').length - 1).toBe(3);
    expect(rules[1].expr).toContain('sum by (job, service) (rate(cache_hits_total{job="backend"}[5m]))');
  });

  test('failing fixture: terms used once stay inline, so a group of unrelated ratios records nothing', () => {
    const ai = groupOf('ai'); // 5m and 2m windows: no term is shared
    expect(recordingPlan(ai, alertExpr).records).toEqual([]);
    expect(rulesIn(ai).map((r) => r.expr)).toEqual(ai.rules.map(alertExpr));
  });

  test('inline: every expression written out, as before', () => {
    const http = groupOf('http');
    expect(rulesIn(http, { inline: true }).map((r) => r.expr)).toEqual(http.rules.map(alertExpr));
  });

  test('two shared terms with the same metric and window get distinct names within the group', () => {
    const input = seedInput();
    // Two tiers: each rule divides the same errors by the same total (same metric, same window).
    const login = {
      kind: 'ratio',
      name: 'LoginErrors',
      jobs: ['backend'],
      thresholds: { warning: 0.01, critical: 0.05 },
      numerator: { metric: 'http_requests_total', matchers: 'endpoint="/login",status=~"5.."', sample: { endpoint: '/login', status: '500' } },
      denominator: { metrics: ['http_requests_total'], matchers: 'endpoint="/login"', sample: { endpoint: '/login', status: '200' } },
    };
    input.alerts = { ...input.alerts, custom: [login as any] };
    const records = recordingPlan(groupOf('custom', validate(input)), alertExpr).records.map((r) => r.record);
    expect(records).toEqual(['custom:job_service:http_requests:rate5m', 'custom:job_service:http_requests:rate5m_2']);
  });

  test('only ratio and latency alerts have recordable terms', () => {
    const kinds = resolveAlerts(loadFixture('dev')).flatMap((g) => g.rules).filter((r) => ruleTerms(r).length > 0).map((r) => r.kind);
    expect(new Set(kinds)).toEqual(new Set(['ratio', 'latency']));
  });

  test('the metrics contract judges an alert that reads a recorded series on the recorded expression', () => {
    const dir = tmpDir('recording-contract-');
    try {
      writeTree(path.join(dir, 'out'), synthesize(loadFixture('dev')));
      const { uses, recorded } = ruleUses(path.join(dir, 'out', 'files'));
      expect(recorded).toContain('http:job_service:http_request_duration_seconds:p95_5m');
      const latency = uses.filter((u) => u.where.includes('alert "HttpLatencyP95High"'));
      // Each tier still compares histogram_quantile over the buckets (the contract's threshold check needs that).
      expect(latency.map((u) => u.usage.thresholds.map((t) => [t.op, t.value, t.selectors.map((x) => x.metric)]))).toEqual([
        [['>', 2, ['http_request_duration_seconds_bucket']]],
        [['>', 5, ['http_request_duration_seconds_bucket']]],
      ]);
      // Failing fixture: read alone, the alert's own text has no quantile to judge.
      const own = (ruleFile(groupOf('http')) as any).groups[0].rules.find((r: any) => r.alert === 'HttpLatencyP95High').expr;
      expect(own).not.toContain('histogram_quantile');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
