/**
 * `npm run slo:import`: OpenSLO v1 documents become `slos` of a stack config. The round trip: the example converts
 * into SLOs that, added to the dev fixture, pass `check` (promtool runs their behaviour tests); the failing fixture
 * lists every unsupported feature with its document and path, and exits 2.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, parseYaml, runCli, seedInput, tmpDir, validate } from './helpers';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { formatReport, runChecks } from '../src/check';

const fixture = (name: string) => path.join('test', 'fixtures', 'openslo', name);

test('the OpenSLO example converts field by field', () => {
  const res = runCli('slo-import', [fixture('backend.yaml')]);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  // Expected from the fixture: bad → errors, good stays good, targetPercent 99.9 → 0.999, 4w stays 4w.
  expect(parseYaml(res.stdout)).toEqual({
    slos: [
      {
        name: 'backend-availability',
        description: 'Backend requests that do not fail with 5xx',
        service: 'backend',
        target: 0.999,
        window: '30d',
        indicator: { errors: 'http_requests_total{job="backend",status=~"5.."}', total: 'http_requests_total{job="backend"}' },
      },
      { name: 'ai-success', service: 'backend', target: 0.995, window: '4w', indicator: { good: 'ai_requests_total{job="backend",status="success"}', total: 'ai_requests_total{job="backend"}' } },
    ],
  });
  expect(JSON.parse(runCli('slo-import', [fixture('backend.yaml'), '--json']).stdout)).toEqual(parseYaml(res.stdout));
});

test('round trip: the converted SLOs, added to the dev fixture, pass check', async () => {
  const { slos } = parseYaml(runCli('slo-import', [fixture('backend.yaml')]).stdout);
  const stack = validate({ ...seedInput(), slos });
  const dir = tmpDir('ms-openslo-');
  try {
    writeTree(path.join(dir, 'out'), synthesize(stack));
    expect(fs.readdirSync(path.join(dir, 'out', 'files', 'prometheus', 'tests')).filter((f) => f.startsWith('slo-')).sort()).toEqual([
      'slo-ai-success-days.test.yml', 'slo-ai-success.test.yml', 'slo-backend-availability-days.test.yml', 'slo-backend-availability.test.yml',
    ]);
    const results = await runChecks(stack, path.join(dir, 'out', 'files'));
    expect(results.some((r) => r.ok && /promtool test rules/.test(r.name))).toBe(true);
    expect(formatReport(results.filter((r) => !r.ok))).toBe('\nall 0 checks passed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

test('failing fixture: unsupported features are refused with document and path, exit 2, nothing on stdout', () => {
  const res = runCli('slo-import', [fixture('unsupported.yaml')]);
  expect(res.status).toBe(2);
  expect(res.stdout).toBe('');
  const where = `${fixture('unsupported.yaml')} (document 1)`;
  for (const line of [
    `${where}: $.spec.budgetingMethod: "Timeslices" is not supported`,
    `${where}: $.spec.timeWindow[0]: calendar-aligned windows are not supported`,
    `${where}: $.spec.objectives[0].timeSliceTarget:`,
    `${where}: $.spec.indicator.spec.ratioMetric.good.metricSource.type: "Datadog" is not supported`,
    `${where}: $.spec.indicator.spec.ratioMetric.total.metricSource.spec.query: expected a series selector`,
  ])
    expect(res.stderr).toContain(line);
});

test('the README documents the command', () => {
  expect(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')).toContain('npm run slo:import -- ');
});
