const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // Jest's default is one worker less than the CPUs: on 2 cores a single worker, while many suites mostly wait for
  // child processes (CLIs, promtool, amtool, git). Two workers at least keep both cores busy; --maxWorkers overrides.
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
};
