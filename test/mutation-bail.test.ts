/**
 * The bail of `npm run test:mutation` (scripts/mutation-bail.js, mutation-sequencer.js): under an active mutant a
 * run stops at its first failing test, across suites, and the next run in the same process (Stryker's runner runs
 * one jest run per mutant) starts afresh; without a mutant (Stryker's dry run, which collects per-test coverage)
 * every test runs. jest runs on two fixture suites in a child process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, tmpDir } from './helpers';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'mutation-bail');
const Sequencer = require('../scripts/mutation-sequencer') as new (...args: unknown[]) => { sort(tests: { path: string }[]): { path: string }[] };
const { GROUPS } = require('../scripts/mutation-groups') as { GROUPS: Record<string, { tests: string[] }> };

/** Two jest runs on the fixture suites in one process; the status of every test, by title, per run. */
function runFixtures(env: Record<string, string>): Record<string, string>[] {
  const dir = tmpDir('ms-bail-');
  const config = {
    rootDir: REPO_ROOT, roots: [FIXTURES], testMatch: ['**/*.fixture.js'],
    testEnvironment: path.join(REPO_ROOT, 'scripts', 'mutation-bail.js'),
    globalSetup: path.join(REPO_ROOT, 'scripts', 'mutation-global-setup.js'),
  };
  fs.writeFileSync(path.join(dir, 'jest.config.json'), JSON.stringify(config));
  const script = `const { runCLI } = require(${JSON.stringify(require.resolve('jest'))});
    (async () => { const runs = [];
      for (const n of [1, 2]) {
        const { results } = await runCLI({ config: ${JSON.stringify(path.join(dir, 'jest.config.json'))}, runInBand: true, silent: true, _: [], $0: 'jest' }, [${JSON.stringify(REPO_ROOT)}]);
        runs.push(Object.fromEntries(results.testResults.flatMap((s) => s.testResults.map((t) => [t.title, t.status]))));
      }
      process.stdout.write('RUNS' + JSON.stringify(runs)); })();`;
  const { __STRYKER_ACTIVE_MUTANT__: _ignored, ...base } = process.env;
  const res = spawnSync(process.execPath, ['-e', script], { env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 });
  const marker = res.stdout.indexOf('RUNS');
  if (marker < 0) throw new Error(`jest did not report: ${res.stdout}\n${res.stderr}`);
  return JSON.parse(res.stdout.slice(marker + 4));
}

describe('mutation bail', () => {
  const killedRun = { 'a1 passes': 'passed', 'a2 fails': 'failed', 'a3 after the failure': 'pending', 'b1 in a later suite': 'pending' };

  test('under a mutant, the tests after the first failure are skipped, in its suite and in later suites; each run afresh', () => {
    expect(runFixtures({ __STRYKER_ACTIVE_MUTANT__: '7' })).toEqual([killedRun, killedRun]);
  });

  test('without a mutant (the dry run) every test runs', () => {
    const all = { 'a1 passes': 'passed', 'a2 fails': 'failed', 'a3 after the failure': 'passed', 'b1 in a later suite': 'passed' };
    expect(runFixtures({})).toEqual([all, all]);
  });
});

describe('mutation suite order', () => {
  test("a group's suites run in the order of its list, whatever order jest found them in", () => {
    const old = process.env.MUTATION_GROUP;
    process.env.MUTATION_GROUP = 'rules';
    try {
      const listed = GROUPS.rules.tests;
      const found = [...listed].reverse().map((t) => ({ path: path.join(REPO_ROOT, 'test', `${t}.test.ts`) }));
      expect(new Sequencer().sort(found).map((t) => path.basename(t.path, '.test.ts'))).toEqual(listed);
    } finally {
      process.env.MUTATION_GROUP = old;
    }
  });
});
