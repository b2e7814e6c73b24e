/**
 * Conformance: the synth output of the sample stacks is accepted by the real tools (promtool, amtool), and the
 * generated rule tests pass and can fail. A missing tool fails these tests; it never skips them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runChecks, formatReport } from '../src/check';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { fixtureConfigFile, FixtureName, loadFixture, runCli, tmpDir } from './helpers';

function synthTo(name: FixtureName): string {
  const out = path.join(tmpDir(), 'out');
  writeTree(out, synthesize(loadFixture(name)));
  return path.join(out, 'files');
}

describe.each(['dev', 'staging'] as const)('fixture stack %s', (name) => {
  test('promtool and amtool accept every file, every rule test and every route passes', async () => {
    const stack = loadFixture(name);
    const results = await runChecks(stack, synthTo(name));
    const report = formatReport(results);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(report).toMatch(/promtool check config/);
    expect(report).toMatch(/promtool test rules/);
    expect(report).toMatch(/amtool check-config/);
    expect(results.filter((r) => r.name.startsWith('route ')).length).toBeGreaterThanOrEqual(3);
  });
});

test('npm run check -- --config <file> passes with a readable report', () => {
  const file = fixtureConfigFile('dev');
  const res = runCli('check', ['--config', file]);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  expect(res.stdout.startsWith(`check ${file}\nok    promtool check config`)).toBe(true);
  expect(res.stdout).toMatch(/all \d+ checks passed\n$/);
});

test('the generated rule tests can fail: a rule whose threshold drifted from the config fails its test', () => {
  const files = synthTo('dev');
  const rules = path.join(files, 'prometheus', 'rules', 'http.yml');
  fs.writeFileSync(rules, fs.readFileSync(rules, 'utf8').replace('> 0.01', '> 0.5'));
  const res = spawnSync('promtool', ['test', 'rules', 'http.test.yml'], { cwd: path.join(files, 'prometheus', 'tests'), encoding: 'utf8' });
  expect(res.status).toBe(1);
  expect(res.stdout + res.stderr).toMatch(/FAILED[\s\S]*HttpServerErrorRatioHigh/);
});

test('a shadowed route fails the check and says so', async () => {
  const stack = loadFixture('dev');
  // A catch-all-critical route before the Watchdog route shadows nothing, but one before `critical` does.
  stack.alertmanager.route.routes.splice(1, 0, { matchers: ['severity=~"critical|warning"'], receiver: 'team-slack', continue: false, routes: [] });
  const results = await runChecks(stack, (() => {
    const out = path.join(tmpDir(), 'out');
    writeTree(out, synthesize(stack));
    return path.join(out, 'files');
  })());
  const failed = results.filter((r) => !r.ok);
  expect(failed.map((r) => r.name)).toEqual(['route $.alertmanager.route.routes[2] {severity=critical} → oncall']);
  expect(failed[0].detail).toMatch(/reach "team-slack" instead of "oncall"; is the route shadowed/);
});

test('explicit route tests are verified exactly', async () => {
  const stack = loadFixture('staging');
  stack.alertmanager.routeTests = [{ labels: { severity: 'warning' }, receivers: ['pager'] }];
  const out = path.join(tmpDir(), 'out');
  writeTree(out, synthesize(stack));
  const results = await runChecks(stack, path.join(out, 'files'));
  expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual(['routeTests[0] {severity=warning} → pager']);
});

test('a missing tool is a failure with an install hint, not a skip', async () => {
  const saved = process.env.PROMTOOL;
  process.env.PROMTOOL = '/nonexistent/promtool';
  try {
    const results = await runChecks(loadFixture('dev'), synthTo('dev'));
    expect(results[0]).toEqual({
      name: 'promtool available',
      ok: false,
      detail: expect.stringContaining('apt-get install prometheus'),
    });
  } finally {
    if (saved === undefined) delete process.env.PROMTOOL;
    else process.env.PROMTOOL = saved;
  }
});
