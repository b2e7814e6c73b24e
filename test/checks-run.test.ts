/**
 * The named checks on real synth output, as `npm run check` runs them: the "done when" alerts (a raw
 * alert's rate range against its job's scrape interval, a counter compared without increase), the stack's reasoned
 * exclusions, `check --explain`, and that the check modules import no circle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateStack } from '../src/load';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { registryChecks } from '../src/checks/run';
import { CHECKS } from '../src/checks';
import { ConfigError } from '../src/errors';
import type { StackInput } from '../src/schema';
import { fixtureInput, REPO_ROOT, runCli, tmpDir } from './helpers';

/** The staging fixture (job "worker" scraped every 1m, family database with the counter db_queries_total) plus one raw alert. */
function withRawAlert(expr: string, exclude: unknown[] = []): StackInput {
  const input = fixtureInput('staging') as any;
  input.alerts.custom.push({
    kind: 'raw', name: 'WorkerQueriesHigh', severity: 'warning', expr, for: '5m', labels: { service: 'worker' },
    test: { firing: [{ series: 'db_queries_total{job="worker"}', values: '0+100x60' }] },
  });
  input.checks.exclude.push(...exclude);
  return input;
}

const WORKER_INTERVAL = (fixtureInput('staging') as any).scrapeTargets.find((t: { job: string }) => t.job === 'worker').interval;

function results(input: StackInput) {
  const stack = validateStack(input, 'staging-stack.yaml');
  const out = path.join(tmpDir('ms-named-checks-'), 'out');
  writeTree(out, synthesize(stack));
  return registryChecks(stack, path.join(out, 'files'), 'staging-stack.yaml');
}
const failed = (input: StackInput) => results(input).filter((r) => !r.ok);

describe('rate ranges against the job\'s scrape interval', () => {
  test(`rate(x[90s]) on a job scraped every ${WORKER_INTERVAL} fails naming the check, the alert and the interval`, () => {
    const bad = failed(withRawAlert('sum by (job, service) (rate(db_queries_total{job="worker"}[90s])) > 5'));
    expect(bad.map((r) => r.name.split(':')[0])).toEqual(['rules/rate-range']);
    expect(bad[0].detail).toContain('prometheus/rules/custom.yml');
    expect(bad[0].detail).toContain('WorkerQueriesHigh');
    expect(bad[0].detail).toContain(`job "worker" (scraped every ${WORKER_INTERVAL})`);
  });
  test('the same alert over [5m] passes', () => {
    expect(failed(withRawAlert('sum by (job, service) (rate(db_queries_total{job="worker"}[5m])) > 5'))).toEqual([]);
  });
});

describe('counters', () => {
  test('a counter compared without rate/increase fails', () => {
    const bad = failed(withRawAlert('db_queries_total{job="worker"} > 5'));
    expect(bad.map((r) => r.name.split(':')[0])).toEqual(['rules/counter-rate']);
    expect(bad[0].detail).toContain('WorkerQueriesHigh: reads the counter db_queries_total');
  });
  test('with increase() it passes', () => {
    expect(failed(withRawAlert('increase(db_queries_total{job="worker"}[5m]) > 5'))).toEqual([]);
  });
});

describe('exclusions (checks.exclude)', () => {
  const bad = 'db_queries_total{job="worker"} > 5';
  test('an exclusion with a reason silences the alert\'s findings of that check, and the report says so', () => {
    const reason = 'the worker resets this gauge-like counter every minute';
    const all = results(withRawAlert(bad, [{ check: 'rules/counter-rate', alert: 'WorkerQueriesHigh', reason }]));
    const line = all.find((r) => r.name.startsWith('rules/counter-rate'))!;
    expect(line.ok).toBe(true);
    expect(line.notes?.join('\n')).toContain(reason);
  });
  test('an exclusion for another alert does not', () => {
    expect(failed(withRawAlert(bad, [{ check: 'rules/counter-rate', alert: 'SomeOtherAlert', reason: 'not this alert at all' }]))).toHaveLength(1);
  });
  const problems = (exclude: unknown) => {
    try {
      validateStack(withRawAlert(bad, [exclude]), 'staging-stack.yaml');
      return [];
    } catch (e) {
      return (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };
  const at = (fixtureInput('staging') as any).checks.exclude.length;
  test('a reason is required', () => {
    expect(problems({ check: 'rules/counter-rate' })).toEqual([`$.checks.exclude[${at}].reason: missing required field`]);
    expect(problems({ check: 'rules/counter-rate', reason: 'because' })[0]).toMatch(new RegExp(`^\\$\\.checks\\.exclude\\[${at}\\]\\.reason: `));
  });
  test('an unknown check id is refused with its path and the known ids', () => {
    const [p] = problems({ check: 'rules/no-such-check', reason: 'a reason long enough' });
    expect(p).toContain(`$.checks.exclude[${at}].check: unknown check "rules/no-such-check"; expected one of: `);
    expect(p).toContain('rules/rate-range');
  });
  test('a config check cannot be excluded', () => {
    expect(problems({ check: 'config/alertmanager', reason: 'a reason long enough' })[0]).toContain('cannot be excluded');
  });
});

describe('npm run check -- --explain / --list', () => {
  test('--explain <id> prints what the check catches', () => {
    const res = runCli('check', ['--explain', 'rules/rate-range']);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(CHECKS.find((c) => c.id === 'rules/rate-range')!.explain);
  });
  test('an unknown id exits 2 listing the ids', () => {
    const res = runCli('check', ['--explain', 'rules/nope']);
    expect(res.status).toBe(2);
    for (const c of CHECKS) expect(res.stderr).toContain(c.id);
  });
});

/** Relative imports of every module under src/ (import/export ... from, type imports too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) graph.set(full, importsOf(full));
    }
  };
  walk(path.join(REPO_ROOT, 'src'));
  return graph;
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^;'"]*?from\s+'(\.[^']+)'/g)].map((m) => {
    const base = path.resolve(path.dirname(file), m[1]);
    return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f)) ?? base;
  });
}

test('no check module is part of an import circle (src/check*.ts, src/checks/**)', () => {
  const graph = importGraph();
  const isCheck = (f: string) => /src\/(check[^/]*\.ts|checks\/)/.test(path.relative(REPO_ROOT, f).split(path.sep).join('/'));
  const circles: string[] = [];
  for (const start of [...graph.keys()].filter(isCheck)) {
    const seen = new Set<string>();
    const stack = [...(graph.get(start) ?? [])];
    while (stack.length) {
      const f = stack.pop()!;
      if (f === start) circles.push(path.relative(REPO_ROOT, start));
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(graph.get(f) ?? []));
    }
  }
  expect([...new Set(circles)]).toEqual([]);
});

test('the README lists every rule, alert and config check of the registry, and no other id', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /<!-- check-ids:[^>]*-->([\s\S]*?)<!-- \/check-ids -->/.exec(readme)?.[1] ?? '';
  const rows = [...block.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => ({ id: m[1], severity: m[2].trim() }));
  const own = CHECKS.filter((c) => !c.id.startsWith('dashboards/'));
  expect(rows.map((r) => r.id).filter((id) => !id.startsWith('dashboards/'))).toEqual(own.map((c) => c.id));
  for (const r of rows) {
    const check = CHECKS.find((c) => c.id === r.id);
    expect(check && (check.target === 'config' ? 'at load' : check.severity)).toBe(r.severity);
  }
});
