// `npm run test:mutation` (scripts/mutation.mjs) — not part of npm test or CI. One Stryker run per group of
// scripts/mutation-groups.js, chosen by MUTATION_GROUP: its files, its suites, its own report and incremental file.
// Static mutants (module-level data, code run while a test file loads) are ignored: they would rerun every test.
// Scope and results: docs/testing.md.
import { createRequire } from 'node:module';

const { GROUPS } = createRequire(import.meta.url)('./scripts/mutation-groups.js');
const name = process.env.MUTATION_GROUP ?? '';
if (!GROUPS[name]) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(GROUPS).join(', ')} (got "${name}")`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
  checkers: ['typescript'],
  // The checker's program leaves out test/, bench/ and examples/: the mutants are in the sources, and a program
  // without the suites type-checks each mutant in about half the time.
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: GROUPS[name].mutate,
  concurrency: 2,
  timeoutMS: 30000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 15,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  ignorePatterns: ['out', 'reports', '.stryker-tmp', 'bin'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignoreStatic: true,
};
