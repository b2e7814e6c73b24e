/**
 * Jest for `npm run test:mutation` (StrykerJS): only the in-process tests of src/render, alert-rules and src/pulumi
 * (`npm run test:mutation:render` sets MUTATION_SCOPE=render and leaves out the slow Pulumi tests;
 * `npm run test:mutation:core` mutates the Prometheus/Alertmanager renderers with their unit tests only).
 * CLI tests spawn a child process, where Stryker cannot switch mutants on; e2e and property tests are too slow to
 * run per mutant. Type errors are the TypeScript checker's job, so ts-jest only transpiles.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: process.env.MUTATION_SCOPE === 'core' ? ['**/test/render.test.ts', '**/test/render-rules.test.ts', '**/test/catalog.test.ts'] : [
    '**/test/render.test.ts',
    '**/test/render-rules.test.ts',
    '**/test/render-logs.test.ts',
    '**/test/render-jaeger-grafana.test.ts',
    '**/test/dashboards.test.ts',
    '**/test/dashboards-correlation.test.ts',
    '**/test/conformance.test.ts',
    // The Kubernetes target's renderers (src/render/kubernetes); the Pulumi half of those suites is cheap mocks.
    '**/test/kubernetes.test.ts',
    '**/test/kubernetes-logs.test.ts',
    '**/test/kubernetes-loki.test.ts',
    '**/test/kubernetes-monitors.test.ts',
    '**/test/remote-write.test.ts',
    '**/test/probes.test.ts',
    ...(process.env.MUTATION_SCOPE === 'render' ? [] : ['**/test/pulumi.test.ts']),
    '**/test/catalog.test.ts',
    '**/test/rule-tests*.test.ts',
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testTimeout: 120000,
};
