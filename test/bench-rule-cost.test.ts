/**
 * The rule-cost benchmark's inputs are valid (bench/rule-cost.ts; timings are `npm run bench`, never asserted here):
 * the hand-written baseline passes `promtool check rules` and holds the same alerts as the generated rules, and the
 * series generator's OpenMetrics backfills every sample it writes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { resolveAlerts } from '../src/alerts';
import { scrapeJobs } from '../src/jobs';
import { BASELINE_FILE, generatedRuleFiles } from '../bench/rule-cost';
import { ruleCostStack, serviceName } from '../bench/rule-cost/stack';
import { seriesOf, writeOpenMetrics } from '../bench/rule-cost/series';
import { seedInput, tmpDir, validate } from './helpers';

const promtool = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8', timeout: 120_000 });

/** `name/severity` of every alerting rule in rule-file texts. */
const alertsIn = (texts: string[]) =>
  new Set(texts.flatMap((t) => (yaml.load(t) as any).groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert).map((r: any) => `${r.alert}/${r.labels.severity}`))));

describe('hand-written baseline (bench/fixtures/hand-written-rules.yml)', () => {
  const baseline = fs.readFileSync(BASELINE_FILE, 'utf8');

  test('passes promtool check rules', () => {
    const res = promtool('check', 'rules', BASELINE_FILE);
    expect(`${res.stdout}${res.stderr}`).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('failing fixture: a broken expression fails promtool check rules', () => {
    const dir = tmpDir('bench-baseline-');
    const broken = path.join(dir, 'broken.yml');
    fs.writeFileSync(broken, baseline.replace('expr: ai_up == 0', 'expr: ai_up == (0'));
    const res = promtool('check', 'rules', broken);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(res.status).not.toBe(0);
  });

  test('has every alert and severity the catalog resolves for the benchmark stack, and no other', () => {
    const stack = validate(ruleCostStack(seedInput(), 3));
    const expected = new Set(resolveAlerts(stack).flatMap((g) => g.rules.map((r) => `${r.name}/${r.severity}`)));
    expect(alertsIn([baseline])).toEqual(expected);
    // The generated files hold the same set (the comparison can fail: one alert less is a different set).
    expect(alertsIn(Object.values(generatedRuleFiles(stack)))).toEqual(expected);
    const fewer = new Set(expected);
    fewer.delete('Watchdog/info');
    expect(alertsIn([baseline])).not.toEqual(fewer);
  });
});

/** Backfills an OpenMetrics file; returns promtool's exit code and the sample count of the blocks it made. */
function backfill(file: string, out: string): { status: number | null; samples: number; output: string } {
  const res = promtool('tsdb', 'create-blocks-from', 'openmetrics', file, out);
  // Table: BLOCK ULID, MIN TIME, MAX TIME, DURATION, NUM SAMPLES, … (one row per block).
  const rows = res.stdout.split('\n').filter((l) => /^[0-9A-Z]{26}\s/.test(l));
  return { status: res.status, samples: rows.reduce((n, l) => n + Number(l.trim().split(/\s+/)[4]), 0), output: `${res.stdout}${res.stderr}` };
}

describe('series generator (bench/rule-cost/series.ts)', () => {
  const stack = validate(ruleCostStack(seedInput(), 3));
  const window = { end: Date.UTC(2026, 0, 1, 12), history: 5 * 60_000, step: 15_000 };

  test('covers each service and family the stack declares, with `up` per target', () => {
    const series = seriesOf(scrapeJobs(stack));
    const jobs = (name: string) => new Set(series.filter((s) => s.name === name).map((s) => s.labels.job));
    expect(jobs('http_requests_total')).toEqual(new Set([0, 1, 2].map(serviceName)));
    expect(jobs('redis_up')).toEqual(new Set(['redis']));
    expect(jobs('up')).toEqual(new Set(scrapeJobs(stack).map((j) => j.job)));
    // Every status class the catalog's ratios match has series: 5xx and 4xx errors next to successes.
    expect(new Set(series.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.status))).toEqual(new Set(['200', '404', '500']));
  });

  test('promtool backfills every sample the OpenMetrics file holds', () => {
    const dir = tmpDir('bench-series-');
    try {
      const file = path.join(dir, 'series.om');
      const counts = writeOpenMetrics(file, seriesOf(scrapeJobs(stack)), window);
      const res = backfill(file, path.join(dir, 'blocks'));
      expect(res.output).not.toMatch(/error/i);
      expect(res.status).toBe(0);
      expect(res.samples).toBe(counts.samples);
      expect(counts.samples).toBe(counts.series * 21); // 5 minutes at 15 s, both ends included
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('failing fixture: samples out of time order are dropped, so the count no longer matches', () => {
    const dir = tmpDir('bench-series-');
    try {
      const file = path.join(dir, 'series.om');
      writeOpenMetrics(file, seriesOf(scrapeJobs(stack)).slice(0, 1), window);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      fs.writeFileSync(file, [lines[1], lines[0], ...lines.slice(2)].join('\n'));
      expect(backfill(file, path.join(dir, 'blocks')).samples).toBe(20);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
