/**
 * SLOs: the windows and factors of the multi-window, multi-burn-rate alerts (expected values from the Google SRE
 * workbook's table, computed here independently), config errors with their JSON paths, and the generated behaviour
 * tests run by promtool, with a failing fixture: rules with a wrong factor or window fail them.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderStack } from '../src/render';
import { ConfigError } from '../src/errors';
import { budgetText, burnPairs, decimal, sloWindows } from '../src/slo/windows';
import { formatDuration } from '../src/duration';
import type { SloInput } from '../src/schema';
import { parseYaml, seedInput, tmpDir, validate } from './helpers';

const H = 3_600_000;
const D = 24 * H;

/** An availability SLO of 99.9 % over 30 days on the seed's http_requests_total (the example). */
export const AVAILABILITY: SloInput = {
  name: 'availability',
  target: 0.999,
  window: '30d',
  service: 'backend',
  indicator: { errors: 'http_requests_total{job="backend",status=~"5.."}', total: 'http_requests_total{job="backend"}' },
};
const LATENCY_7D: SloInput = {
  name: 'latency',
  target: 0.99,
  window: '7d',
  indicator: { latency: { histogram: 'http_request_duration_seconds', matchers: 'job="backend"', threshold: 1 } },
  alerting: { page: { labels: { team: 'chat' } }, ticket: { enabled: false } },
};
const GOOD_28D: SloInput = {
  name: 'ai-success',
  target: 0.995,
  window: '28d',
  indicator: { good: 'ai_requests_total{job="backend",status="success"}', total: 'ai_requests_total{job="backend"}' },
};

const withSlos = (...slos: unknown[]) => ({ ...seedInput(), slos });
const problems = (input: unknown) => {
  try {
    validate(input);
    return [];
  } catch (err) {
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
};

describe('burn-rate windows and factors', () => {
  test('30 days: the workbook table (2 % of the budget in 1 h, 5 % in 6 h, 10 % in 1 d and in 3 d)', () => {
    // factor = budget share × period / long window, in hours: 720 h period.
    const expected = [
      ['page', '1h', '5m', (2 * 720) / (100 * 1)],
      ['page', '6h', '30m', (5 * 720) / (100 * 6)],
      ['ticket', '1d', '2h', (10 * 720) / (100 * 24)],
      ['ticket', '3d', '6h', (10 * 720) / (100 * 72)],
    ];
    expect(burnPairs(30 * D).map((p) => [p.alert, formatDuration(p.long), formatDuration(p.short), p.factor])).toEqual(expected);
    expect(burnPairs(30 * D).map((p) => p.factorText)).toEqual(['14.4', '6', '3', '1']);
    expect(sloWindows(30 * D).map(formatDuration)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
  });

  test('other periods scale every window (short = long / 12) and keep the factors exact', () => {
    // 28 d: 1 h × 28/30 = 56 min; 7 d: 1 h × 7/30 = 14 min.
    expect(burnPairs(28 * D).map((p) => [formatDuration(p.long), formatDuration(p.short), p.factorText])).toEqual([
      ['56m', '4m40s', '14.4'],
      ['5h36m', '28m', '6'],
      ['22h24m', '1h52m', '3'],
      ['2d19h12m', '5h36m', '1'],
    ]);
    expect(burnPairs(7 * D).map((p) => formatDuration(p.long))).toEqual(['14m', '1h24m', '5h36m', '16h48m']);
  });

  test('numbers print without float noise', () => {
    expect(1 - 0.999).not.toBe(0.001); // what the renderer must not print
    expect(budgetText(0.999)).toBe('0.001');
    expect(budgetText(0.9995)).toBe('0.0005');
    expect(budgetText(0.95)).toBe('0.05');
    expect(decimal(2n * 720n, 100n)).toBe('14.4');
    expect(decimal(1n, 3n)).toBe('0.333333333333');
  });
});

describe('config errors name the JSON path', () => {
  test.each([
    [{ ...AVAILABILITY, target: 1 }, '$.slos[0].target'],
    [{ ...AVAILABILITY, window: '25h' }, '$.slos[0].window: 25h does not divide into whole-second windows'],
    [{ ...AVAILABILITY, window: '1d' }, '$.slos[0].window: its shortest window is 10s, which holds fewer than two scrapes'],
    [{ ...AVAILABILITY, indicator: { errors: 'rate(http_requests_total[5m])', total: 'http_requests_total' } }, '$.slos[0].indicator.errors: expected a series selector'],
    [{ ...AVAILABILITY, indicator: { errors: 'http_requests_total{status=~"5.."', total: 'http_requests_total' } }, '$.slos[0].indicator.errors: not valid PromQL'],
    [{ ...AVAILABILITY, indicator: { errors: 'x_total', good: 'y_total', total: 'z_total' } }, '$.slos[0].indicator: expected exactly one of "errors"'],
    [{ ...AVAILABILITY, indicator: { errors: 'http_requests_total{job="nope"}', total: 'http_requests_total' } }, '$.slos[0].indicator.errors: the selector selects job "nope"'],
    [{ ...AVAILABILITY, indicator: { errors: 'http_requests_total{job="backend"}', total: 'http_requests_total{job="backend"}' } }, '$.slos[0].indicator: cannot build test series'],
    [{ ...LATENCY_7D, indicator: { latency: { histogram: 'http_request_duration_seconds', threshold: 0.3 } } }, '$.slos[0].indicator.latency.threshold: 0.3 is not a bucket bound'],
    [{ ...AVAILABILITY, alerting: { labels: { severity: 'page' } } }, '$.slos[0].alerting.labels.severity: "severity" is set by the SLO itself'],
    [{ ...AVAILABILITY, alerting: { page: { annotations: { summary: '{{ $value }}' } } } }, '$.slos[0].alerting.page.annotations.summary: an SLO alert text cannot show $value'],
    [{ ...AVAILABILITY, indicator: { ratio: 'x' } }, '$.slos[0].indicator'],
  ])('case %#', (slo, message) => {
    expect(problems(withSlos(slo)).join('\n')).toContain(message);
  });

  test('a duplicate name', () => {
    expect(problems(withSlos(AVAILABILITY, AVAILABILITY))).toEqual(['$.slos[1].name: duplicate SLO name "availability" (already slos[0]); expected a unique name']);
  });
});

describe('rules', () => {
  // Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
  let files: Record<string, string>;
  beforeEach(() => {
    files = renderStack(validate(withSlos(AVAILABILITY, LATENCY_7D)));
  });
  const rules = (name: string) => parseYaml(files[`prometheus/rules/slo-${name}.yml`]).groups[0].rules as Array<Record<string, any>>;

  test('prometheus.yml loads the SLO rule files', () => {
    expect(parseYaml(files['prometheus/prometheus.yml']).rule_files).toEqual(expect.arrayContaining(['rules/slo-availability.yml', 'rules/slo-latency.yml']));
  });

  test('every alert carries slo and severity; the pairs compare both windows with their factor', () => {
    const alerts = rules('availability').filter((r) => r.alert);
    expect(alerts.map((a) => [a.alert, a.labels])).toEqual([
      ['SloFastBurn', { service: 'backend', slo: 'availability', severity: 'critical' }],
      ['SloSlowBurn', { service: 'backend', slo: 'availability', severity: 'warning' }],
      ['SloNoData', { service: 'backend', slo: 'availability', severity: 'warning' }],
    ]);
    expect(alerts[0].expr).toMatch(/slo:burn_rate:rate1h\{slo="availability"\} > 14\.4\nand\n {2}slo:burn_rate:rate5m\{slo="availability"\} > 14\.4/);
    expect(alerts[2].expr).toBe('absent(http_requests_total{job="backend"})');
    expect(rules('availability').find((r) => r.record === 'slo:burn_rate:rate3d')!.expr).toBe('slo:error_ratio:rate3d{slo="availability"} / 0.001');
  });

  test('a latency SLO counts its le bucket as good events; a disabled ticket has no rule', () => {
    const ratio = rules('latency').find((r) => r.record === 'slo:error_ratio:rate1m10s')!;
    expect(ratio.expr).toContain('1 - (sum(rate(http_request_duration_seconds_bucket{job="backend",le=~"1|1\\\\.0"}[1m10s])) or vector(0))');
    expect(rules('latency').map((r) => r.alert).filter(Boolean)).toEqual(['SloFastBurn', 'SloNoData']);
    expect(rules('latency').find((r) => r.alert === 'SloFastBurn')!.labels).toEqual({ team: 'chat', slo: 'latency', severity: 'critical' });
  });

  test('the generated tests state the issue’s scenarios for 99.9 % over 30 days', () => {
    const tests = parseYaml(files['prometheus/tests/slo-availability.test.yml']).tests.concat(parseYaml(files['prometheus/tests/slo-availability-days.test.yml']).tests);
    const at = (title: RegExp, time: string, alert: string) => {
      const t = tests.find((x: any) => title.test(x.name));
      const check = t.alert_rule_test.find((c: any) => c.eval_time === time && c.alertname === alert);
      return check && check.exp_alerts.length > 0;
    };
    expect(at(/full outage after 2 clean hours/, '2h10m', 'SloFastBurn')).toBe(true);
    expect(at(/full outage after 2 clean hours/, '10h', 'SloFastBurn')).toBe(false);
    expect(at(/full outage after 2 clean hours/, '10h', 'SloSlowBurn')).toBe(false);
    expect(at(/steady 10x burn/, '3h', 'SloFastBurn')).toBe(true);
    expect(at(/steady 2.5x burn/, '1d', 'SloSlowBurn')).toBe(true);
    const pages = (title: RegExp) => tests.find((x: any) => title.test(x.name)).alert_rule_test.filter((c: any) => c.alertname === 'SloFastBurn');
    expect(pages(/steady 2.5x/).every((c: any) => c.exp_alerts.length === 0)).toBe(true);
    expect(pages(/steady 2.5x/).length).toBeGreaterThanOrEqual(30); // every hourly evaluation of its 30 hours
    const quiet = tests.find((x: any) => /steady 0.5x/.test(x.name)).alert_rule_test;
    expect(quiet.every((c: any) => c.exp_alerts.length === 0) && quiet.some((c: any) => c.eval_time === '4d')).toBe(true);
    expect(at(/15.84x \(just above the 14.4x/, '7h30m', 'SloFastBurn')).toBe(true);
    expect(at(/12.96x \(just below the 14.4x/, '7h30m', 'SloFastBurn')).toBe(false);
    expect(at(/6.6x \(just above the 6x/, '15h', 'SloFastBurn')).toBe(true);
    expect(at(/5.4x \(just below the 6x/, '15h', 'SloFastBurn')).toBe(false);
  });
});

/** Writes the SLO rule and test files and runs promtool test rules on the test files (in parallel). */
async function promtoolTests(files: Record<string, string>, edit: (rules: string) => string = (r) => r, only = /./) {
  const dir = tmpDir('ms-slo-');
  for (const [rel, text] of Object.entries(files)) {
    if (!/prometheus\/(rules|tests)\/slo-/.test(rel)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), rel.includes('/rules/') ? edit(text) : text);
  }
  const testsDir = path.join(dir, 'prometheus', 'tests');
  const runs = await Promise.all(
    fs.readdirSync(testsDir).filter((f) => only.test(f)).map(
      (f) =>
        new Promise<{ file: string; ok: boolean; out: string }>((resolve) =>
          execFile(process.env.PROMTOOL ?? 'promtool', ['test', 'rules', f], { cwd: testsDir, timeout: 300_000 }, (err, stdout, stderr) =>
            resolve({ file: f, ok: !err, out: `${stdout}${stderr}` }),
          ),
        ),
    ),
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return runs;
}

describe('alert texts', () => {
  // The burn pairs of a 30-day window are the SRE workbook's (ch. 5, table 5-8): page 14.4x over 1h/5m and 6x over
  // 6h/30m, ticket 3x over 1d/2h and 1x over 3d/6h; target 0.999 leaves a 0.1 % budget.
  const slo = { ...AVAILABILITY, description: 'API availability', alerting: { ticket: { annotations: { summary: 'mine' } } } };
  const textsOf = () => Object.fromEntries((parseYaml(renderStack(validate(withSlos(slo)))['prometheus/rules/slo-availability.yml']).groups[0].rules as any[])
    .filter((r) => r.alert).map((r) => [r.alert, r.annotations]));

  test('name the SLO, its description, budget, objective and burn windows; the user\'s text replaces a default', () => {
    const budget = 'errors spend the budget of 0.1% (objective 99.9% over 30d)';
    expect(textsOf()).toEqual({
      SloFastBurn: { summary: 'SLO availability: the error budget burns fast',
        description: `SLO {{ $labels.slo }} (API availability): ${budget} faster than 14.4x over 1h and 5m, or 6x over 6h and 30m.` },
      SloSlowBurn: { summary: 'mine',
        description: `SLO {{ $labels.slo }} (API availability): ${budget} faster than 3x over 1d and 2h, or 1x over 3d and 6h.` },
      SloNoData: { summary: 'SLO availability: no data',
        description: 'SLO availability: its total counter (http_requests_total{job="backend"}) has no series; its burn-rate alerts cannot fire.' },
    });
  });
});

describe('promtool runs the generated behaviour tests', () => {
  // Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
  let files: Record<string, string>;
  beforeEach(() => {
    files = renderStack(validate(withSlos(AVAILABILITY, LATENCY_7D, GOOD_28D)));
  });

  test('they pass for 30 d errors/total, 7 d latency and 28 d good/total SLOs', async () => {
    const runs = await promtoolTests(files);
    expect(runs.map((r) => r.file).sort()).toEqual([
      'slo-ai-success-days.test.yml', 'slo-ai-success.test.yml', 'slo-availability-days.test.yml', 'slo-availability.test.yml', 'slo-latency-days.test.yml', 'slo-latency.test.yml',
    ]);
    expect(runs.filter((r) => !r.ok).map((r) => `${r.file}\n${r.out}`)).toEqual([]);
  }, 300_000);

  test('failing fixture: a wrong page factor or window fails them', async () => {
    const hours = /^slo-availability\.test\.yml$/;
    const [factor, window] = await Promise.all([
      promtoolTests(files, (rules) => rules.replace(/> 14\.4/g, '> 28.8'), hours),
      promtoolTests(files, (rules) => rules.replace('slo:burn_rate:rate6h{slo="availability"} > 6', 'slo:burn_rate:rate1d{slo="availability"} > 6'), hours),
    ]);
    expect(factor.map((r) => [r.file, r.ok])).toEqual([['slo-availability.test.yml', false]]);
    expect(factor[0].out).toMatch(/just above the 14\.4x page factor/);
    expect(window.map((r) => [r.file, r.ok])).toEqual([['slo-availability.test.yml', false]]);
  }, 300_000);
});

describe('dashboard', () => {
  test('the SLO dashboard passes the dashboard checks, and a stack without SLOs has none', async () => {
    const { buildDashboards } = await import('../src/render/dashboards');
    const { checkDashboards } = await import('../src/check-dashboards');
    const { stableJson } = await import('../src/render/dashboards');
    const stack = validate(withSlos(AVAILABILITY, LATENCY_7D));
    const built = buildDashboards(stack).filter((d) => d.uid === 'slo');
    expect(built.map((d) => d.file)).toEqual(['grafana/dashboards/Application/slo.json']);
    const text = stableJson(built[0].json);
    expect(text).toContain('slo:error_budget_remaining:ratio{slo=\\"availability\\"}');
    expect(text).toContain('slo:burn_rate:rate1m10s{slo=\\"latency\\"}');
    expect(checkDashboards([{ file: built[0].file, text }], stack).flatMap((r) => r.problems)).toEqual([]);
    // Failing fixture: the same dashboard against a stack whose Prometheus records no SLO.
    expect(checkDashboards([{ file: built[0].file, text }], validate(seedInput())).flatMap((r) => r.problems).join('\n')).toMatch(/queries slo:objective:ratio, which no configured scrape target provides/);
    expect(buildDashboards(validate(seedInput())).map((d) => d.uid)).not.toContain('slo');
  });
});
