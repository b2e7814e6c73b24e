/**
 * `npm run test:mutation` runs StrykerJS once per group: the files a group mutates and the in-process suites that
 * test them. Per group, because Stryker's jest runner loads every test file of its set for every mutant; a set of
 * the whole suite made the full scope take 4–5 hours on 2 cores. Every file under MUTATION_ROOTS belongs to exactly
 * one group (test/mutation-groups.test.ts). CLI tests spawn a child process where Stryker cannot switch mutants on,
 * and e2e/property tests are too slow per mutant, so neither is listed. Suites are listed cheapest first: they run
 * in that order (scripts/mutation-sequencer.js) and a mutant's run stops at its first failing test.
 */
const MUTATION_ROOTS = ['src/render', 'alert-rules', 'src/pulumi'];

const GROUPS = {
  rules: {
    mutate: ['src/render/rules.ts', 'src/render/recording.ts', 'src/render/rule-tests.ts', 'src/render/rule-test-inputs.ts',
      'src/render/annotations.ts', 'src/render/go-format.ts', 'alert-rules/**/*.ts'],
    tests: ['render-rules', 'alert-kinds', 'catalog', 'render-recording', 'render', 'alert-texts', 'templates', 'tiers', 'conformance'],
  },
  prometheus: {
    mutate: ['src/render/index.ts', 'src/render/prometheus.ts', 'src/render/alertmanager.ts', 'src/render/notification-templates.ts',
      'src/render/remote-write.ts', 'src/render/blackbox.ts'],
    tests: ['render', 'render-rules', 'notification-templates', 'probes', 'healthchecks', 'exporters', 'remote-write', 'conformance'],
  },
  logs: {
    mutate: ['src/render/loki.ts', 'src/render/promtail.ts', 'src/render/alloy.ts', 'src/render/alloy-syntax.ts',
      'src/render/go-regexp.ts', 'src/render/correlation.ts'],
    tests: ['chat-counting', 'render-logs', 'dashboards-correlation', 'alloy', 'log-dashboard', 'logql-labels', 'log-pipeline'],
  },
  grafana: {
    mutate: ['src/render/dashboards.ts', 'src/render/dashboard-links.ts', 'src/render/grafana.ts', 'src/render/jaeger.ts'],
    tests: ['dashboard-links', 'dashboards-correlation', 'render-jaeger-grafana', 'jaeger-receivers', 'dashboards'],
  },
  slo: {
    mutate: ['src/render/slo.ts', 'src/render/slo-tests.ts'],
    tests: ['slo'],
  },
  kubernetes: {
    mutate: ['src/render/kubernetes/**/*.ts'],
    tests: ['kubernetes-logs', 'kubernetes-stack', 'kubernetes-loki', 'kubernetes-monitors', 'pulumi-kubernetes', 'kubernetes-crds', 'kubernetes'],
  },
  pulumi: {
    mutate: ['src/pulumi/**/*.ts'],
    tests: ['kubernetes-stack', 'pulumi-kubernetes', 'kubernetes-loki', 'remote-write', 'pulumi'],
  },
};

module.exports = { MUTATION_ROOTS, GROUPS };
