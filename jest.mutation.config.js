/**
 * Jest for `npm run test:mutation` (StrykerJS): the in-process suites of one mutation group, named by
 * MUTATION_GROUP (scripts/mutation-groups.js). Type errors are the TypeScript checker's job, so ts-jest only
 * transpiles.
 * @type {import('jest').Config}
 */
const path = require('node:path');
const { GROUPS } = require('./scripts/mutation-groups');

const group = GROUPS[process.env.MUTATION_GROUP ?? ''];
if (!group) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(GROUPS).join(', ')} (got ${process.env.MUTATION_GROUP})`);

module.exports = {
  // Stop a mutant's run at its first failing test, and run the group's suites cheapest first.
  // Absolute: Stryker reads testEnvironment before jest resolves <rootDir>.
  testEnvironment: path.join(__dirname, 'scripts', 'mutation-bail.js'),
  globalSetup: path.join(__dirname, 'scripts', 'mutation-global-setup.js'),
  testSequencer: path.join(__dirname, 'scripts', 'mutation-sequencer.js'),
  roots: ['<rootDir>/test'],
  testMatch: group.tests.map((name) => `**/test/${name}.test.ts`),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testTimeout: 120000,
};
