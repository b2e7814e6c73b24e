/**
 * Renders every file of a stack, keyed by its path under synth's `files/` directory. Pure: no I/O, no Pulumi.
 * The first path segment is the component whose container receives the file (tests/ are for promtool only).
 */
import type { Stack } from '../schema';
import { resolveAlerts } from '../alerts';
import { AddressOf, blackboxDeployed, dockerAddress, scrapeJobs } from '../jobs';
import { GENERATED_HEADER, toYaml } from '../yaml';
import { externalLabels, prometheusConfig } from './prometheus';
import { ruleFile } from './rules';
import { ruleTestFile } from './rule-tests';
import { alertmanagerConfig } from './alertmanager';
import { NOTIFICATION_TEMPLATES_FILE, notificationTemplates } from './notification-templates';
import { lokiConfig } from './loki';
import { promtailConfig } from './promtail';
import { alloyConfig } from './alloy';
import { ALLOY_CONFIG_FILE } from '../containers';
import { jaegerConfig } from './jaeger';
import { datasourcesFile, grafanaIni } from './grafana';
import { buildDashboards, renderDashboards } from './dashboards';
import { linkDashboards } from './dashboard-links';
import { sloGroupName, sloRuleFile } from './slo';
import { sloTestFiles } from './slo-tests';
import { blackboxConfig } from './blackbox';

export interface RenderOptions {
  /** How components address each other; defaults to Docker network names. */
  addressOf?: AddressOf;
}

export type RenderedFiles = Record<string, string>;

export function renderStack(stack: Stack, options: RenderOptions = {}): RenderedFiles {
  const addressOf = options.addressOf ?? dockerAddress;
  const header = GENERATED_HEADER(stack.name);
  const files: RenderedFiles = {};
  const dashboards = buildDashboards(stack);
  // Catalog alerts link to the dashboard panel of their metric (src/render/dashboard-links.ts).
  const groups = linkDashboards(stack, resolveAlerts(stack), dashboards);
  const jobs = scrapeJobs(stack, addressOf);

  const ruleFiles = [...groups.map((g) => g.name), ...stack.slos.map(sloGroupName)].map((name) => `rules/${name}.yml`);
  files['prometheus/prometheus.yml'] = toYaml(prometheusConfig(stack, ruleFiles, addressOf), header);
  for (const group of groups) {
    files[`prometheus/rules/${group.name}.yml`] = toYaml(ruleFile(group), header);
    files[`prometheus/tests/${group.name}.test.yml`] = toYaml(
      ruleTestFile(group, jobs, `../rules/${group.name}.yml`, externalLabels(stack)),
      header,
    );
  }
  // SLOs: recording rules and burn-rate alerts, and tests of when they page (src/render/slo.ts, slo-tests.ts).
  for (const slo of stack.slos) {
    const name = sloGroupName(slo);
    files[`prometheus/rules/${name}.yml`] = toYaml(sloRuleFile(slo), header);
    for (const [suffix, tests] of Object.entries(sloTestFiles(slo, `../rules/${name}.yml`, externalLabels(stack))))
      files[`prometheus/tests/${name}${suffix}.test.yml`] = toYaml(tests, header);
  }
  if (stack.components.alertmanager.enabled) {
    files['alertmanager/alertmanager.yml'] = toYaml(alertmanagerConfig(stack), header);
    files[`alertmanager/${NOTIFICATION_TEMPLATES_FILE}`] = notificationTemplates(stack, header);
  }
  // Loki, Promtail, Jaeger, Grafana: file names are the paths their containers read (see src/containers.ts).
  if (stack.components.loki.enabled) files['loki/loki.yaml'] = toYaml(lokiConfig(stack, addressOf), header);
  if (stack.components.promtail.enabled) files['promtail/promtail.yaml'] = toYaml(promtailConfig(stack, addressOf), header);
  if (stack.components.alloy.enabled) files[`alloy/${ALLOY_CONFIG_FILE}`] = alloyConfig(stack, header, addressOf);
  if (stack.components.jaeger.enabled) files['jaeger/config.yaml'] = toYaml(jaegerConfig(stack), header);
  if (stack.components.grafana.enabled) {
    files['grafana/grafana.ini'] = grafanaIni(stack, header);
    files['grafana/provisioning/datasources/datasources.yml'] = toYaml(datasourcesFile(stack, addressOf), header);
  }
  if (blackboxDeployed(stack)) files['blackbox/blackbox.yml'] = toYaml(blackboxConfig(stack), header);
  // Grafana dashboards (dashboards/*.ts) and their provider.
  Object.assign(files, renderDashboards(stack, header, dashboards));
  return sortFiles(files);
}

export function sortFiles(files: RenderedFiles): RenderedFiles {
  return Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
}
