/**
 * Checks beyond the JSON Schema: names that must be unique, references that must resolve, PromQL that must parse,
 * alerts that must watch scraped jobs, and templates the rule-test generator must be able to evaluate.
 */
import type { Stack, RouteConfig } from './schema';
import { COMPONENT_NAMES } from './schema';
import { checkReceiverSecrets } from './receiver-secrets';
import { jsonPath, Problem } from './errors';
import { parseMatcher, parsePromQL, referencedJobs } from './promql';
import { parseDuration } from './duration';
import { catalogAlertNames } from '../alert-rules/catalog';
import { checkAlerts } from './validate-alerts';
import { scrapeJobs } from './jobs';
import { DOCKER_LOGS_JOB } from './render/promtail';
import { dashboardConfigProblems } from './check-dashboards';
import { checkMappings } from './mapping';
import { jaegerPorts } from './containers';
import { checkLogSources } from './logs/validate';

export function crossCheck(stack: Stack, source: string): Problem[] {
  const problems: Problem[] = [];
  const add = (parts: Array<string | number>, message: string) => problems.push({ source, path: jsonPath(parts), message });

  // Components ---------------------------------------------------------------------------------------------------
  for (const core of ['prometheus', 'alertmanager'] as const) {
    if (!stack.components[core].enabled) add(['components', core, 'enabled'], `${core} is the core of the stack and cannot be disabled`);
  }
  const hostPorts = new Map<string, string>();
  for (const c of COMPONENT_NAMES) {
    const comp = stack.components[c];
    if (!comp.enabled || !comp.publish) continue;
    const ports: Array<[string, number, string]> = [['port', comp.port, 'tcp']];
    if (c === 'jaeger') for (const p of jaegerPorts(stack.components.jaeger)) ports.push([p.field, p.external, p.protocol]);
    for (const [field, port, protocol] of ports) {
      // TCP and UDP ports are separate spaces: 6831/udp next to 6831/tcp is fine.
      const key = `${port}/${protocol}`;
      const other = hostPorts.get(key);
      if (other) add(['components', c, ...field.split('.')], `host port ${port}${protocol === 'udp' ? '/udp' : ''} is already used by ${other}; expected a free port`);
      else hostPorts.set(key, `components.${c}.${field}`);
    }
  }

  // Prometheus -----------------------------------------------------------------------------------------------------
  const p = stack.prometheus;
  checkTimeout(p.scrapeTimeout, p.scrapeInterval, ['prometheus', 'scrapeTimeout'], add);
  checkLabelNames(p.externalLabels, ['prometheus', 'externalLabels'], add);

  // Scrape targets -------------------------------------------------------------------------------------------------
  const jobNames = new Map<string, string>();
  for (const c of COMPONENT_NAMES) if (stack.components[c].enabled) jobNames.set(c, `the self-scrape job of ${c}`);
  stack.scrapeTargets.forEach((t, i) => {
    const other = jobNames.get(t.job);
    if (other) add(['scrapeTargets', i, 'job'], `duplicate job name "${t.job}" (already ${other}); expected a unique job name`);
    else jobNames.set(t.job, `scrapeTargets[${i}]`);
    checkTimeout(t.timeout ?? p.scrapeTimeout, t.interval ?? p.scrapeInterval, ['scrapeTargets', i, t.timeout ? 'timeout' : 'interval'], add);
    checkLabelNames(t.labels, ['scrapeTargets', i, 'labels'], add);
    t.dropMetrics.forEach((re, j) => {
      try {
        new RegExp(`^(?:${re})$`);
      } catch {
        add(['scrapeTargets', i, 'dropMetrics', j], `${JSON.stringify(re)} is not a valid regular expression`);
      }
    });
    if (new Set(t.ruleSets).size !== t.ruleSets.length) add(['scrapeTargets', i, 'ruleSets'], 'a rule set is listed twice');
  });
  checkMappings(stack, add);
  const scraped = new Set(scrapeJobs(stack).map((j) => j.job));

  // Alerts ---------------------------------------------------------------------------------------------------------
  const catalog = catalogAlertNames();
  for (const [name, override] of Object.entries(stack.alerts.overrides)) {
    const where = ['alerts', 'overrides', name];
    const entry = catalog.get(name);
    if (!entry) {
      add(where, `no catalog alert named "${name}"; expected one of: ${[...catalog.keys()].sort().join(', ')}`);
      continue;
    }
    if (override.window !== undefined && !['ratio', 'latency', 'increase'].includes(entry.spec.kind))
      add([...where, 'window'], `${name} is a ${entry.spec.kind} alert and has no window; expected no "window"`);
    const thresholdless = entry.spec.kind === 'down' || entry.spec.kind === 'raw';
    if (entry.tiers) {
      if (override.threshold !== undefined)
        add([...where, 'threshold'], `${name} has a threshold per severity (${Object.keys(entry.tiers).join(', ')}); expected "thresholds", e.g. { warning: 3 }`);
      if (override.severity !== undefined)
        add([...where, 'severity'], `${name} fires at several severities; change "thresholds" instead of "severity"`);
      for (const sev of Object.keys(override.thresholds ?? {})) {
        if (!(sev in entry.tiers)) add([...where, 'thresholds', sev], `${name} has no ${sev} tier; expected one of: ${Object.keys(entry.tiers).join(', ')}`);
      }
    } else {
      if (override.thresholds !== undefined) add([...where, 'thresholds'], `${name} has a single severity; expected "threshold"`);
      if (override.threshold !== undefined && thresholdless) add([...where, 'threshold'], `${name} has no threshold`);
      if (override.threshold !== undefined && entry.spec.kind === 'ratio' && (override.threshold < 0 || override.threshold > 1))
        add([...where, 'threshold'], `a ratio threshold is between 0 and 1 (0.05 = 5%), got ${override.threshold}`);
    }
    if (override.labels) checkLabelNames(override.labels, [...where, 'labels'], add);
  }

  const alertNames = new Map<string, string>();
  if (stack.alerts.catalog) for (const name of catalog.keys()) alertNames.set(name, 'a catalog alert');
  stack.alerts.custom.forEach((a, i) => {
    const where: Array<string | number> = ['alerts', 'custom', i];
    const other = alertNames.get(a.name);
    if (other) {
      add([...where, 'name'], `duplicate alert name "${a.name}" (already ${other}); expected a unique name${other === 'a catalog alert' ? `, or alerts.overrides.${a.name} to change the catalog alert` : ''}`);
    } else alertNames.set(a.name, `alerts.custom[${i}]`);
    checkLabelNames(a.labels, [...where, 'labels'], add);
    a.jobs.forEach((job, j) => {
      if (!scraped.has(job)) add([...where, 'jobs', j], `alert watches job "${job}", which the stack does not scrape; expected one of: ${[...scraped].join(', ')}`);
    });
    // Every PromQL fragment must parse, alone and as the rendered selector.
    const fragments: Array<[Array<string | number>, string]> = [];
    if (a.kind === 'raw') fragments.push([[...where, 'expr'], a.expr]);
    if (a.kind === 'ratio') {
      if (a.numerator.matchers) fragments.push([[...where, 'numerator', 'matchers'], `x{${a.numerator.matchers}}`]);
      if (a.denominator.matchers) fragments.push([[...where, 'denominator', 'matchers'], `x{${a.denominator.matchers}}`]);
      if (a.denominator.metrics.includes(a.numerator.metric) && a.denominator.metrics.length === 1 && sameLabels(a.numerator.sample, a.denominator.sample))
        add([...where, 'denominator', 'sample'], 'expected labels of a series that is not an error (e.g. { status: "200" }), different from numerator.sample');
    }
    if ((a.kind === 'latency' || a.kind === 'gauge' || a.kind === 'increase') && a.matchers) fragments.push([[...where, 'matchers'], `x{${a.matchers}}`]);
    for (const [path, expr] of fragments) {
      const parsed = parsePromQL(expr);
      if (parsed.errors.length) add(path, `not valid PromQL: ${parsed.errors[0]}`);
    }
    if (a.kind === 'raw') {
      for (const job of referencedJobs(a.expr)) {
        if (!scraped.has(job)) add([...where, 'expr'], `the expression selects job "${job}", which the stack does not scrape; expected one of: ${[...scraped].join(', ')}`);
      }
      a.test.firing.concat(a.test.quiet).forEach((s) => {
        const parsed = parsePromQL(s.series);
        if (parsed.errors.length || parsed.selectors.length !== 1) add([...where, 'test'], `${JSON.stringify(s.series)} is not a series selector`);
      });
    }
  });
  checkAlerts(stack, add);

  // Alertmanager ---------------------------------------------------------------------------------------------------
  const am = stack.alertmanager;
  const receivers = new Set<string>();
  am.receivers.forEach((r, i) => {
    if (receivers.has(r.name)) add(['alertmanager', 'receivers', i, 'name'], `duplicate receiver name "${r.name}"`);
    receivers.add(r.name);
  });
  const checkReceiver = (name: string | undefined, parts: Array<string | number>) => {
    if (name !== undefined && !receivers.has(name))
      add(parts, `unknown receiver "${name}"; expected one of: ${[...receivers].join(', ')}`);
  };
  am.receivers.forEach((r, i) => checkReceiverSecrets(r, ['alertmanager', 'receivers', i], source, add));
  checkReceiver(am.route.receiver, ['alertmanager', 'route', 'receiver']);
  checkLabelList(am.route.groupBy, ['alertmanager', 'route', 'groupBy'], add);
  const walk = (routes: RouteConfig[], parts: Array<string | number>) =>
    routes.forEach((r, i) => {
      const here = [...parts, 'routes', i];
      checkReceiver(r.receiver, [...here, 'receiver']);
      if (r.groupBy) checkLabelList(r.groupBy, [...here, 'groupBy'], add);
      if (!r.matchers?.length) add([...here, 'matchers'], 'a child route without matchers catches every alert; expected at least one matcher');
      r.matchers?.forEach((m, j) => checkMatcher(m, [...here, 'matchers', j], add));
      walk(r.routes ?? [], here);
    });
  walk(am.route.routes, ['alertmanager', 'route']);
  am.inhibitRules.forEach((rule, i) => {
    rule.sourceMatchers.forEach((m, j) => checkMatcher(m, ['alertmanager', 'inhibitRules', i, 'sourceMatchers', j], add));
    rule.targetMatchers.forEach((m, j) => checkMatcher(m, ['alertmanager', 'inhibitRules', i, 'targetMatchers', j], add));
  });
  am.routeTests.forEach((t, i) => {
    t.receivers.forEach((r, j) => checkReceiver(r, ['alertmanager', 'routeTests', i, 'receivers', j]));
    checkLabelNames(t.labels, ['alertmanager', 'routeTests', i, 'labels'], add);
  });

  // Logs -----------------------------------------------------------------------------------------------------------
  const logJobs = new Set<string>();
  stack.logs.sources.forEach((s, i) => {
    if (logJobs.has(s.job)) add(['logs', 'sources', i, 'job'], `duplicate log job "${s.job}"`);
    if (stack.logs.dockerDiscovery && s.job === DOCKER_LOGS_JOB)
      add(['logs', 'sources', i, 'job'], `"${DOCKER_LOGS_JOB}" is the job of the Docker container logs (dockerDiscovery); expected another name`);
    logJobs.add(s.job);
    checkLabelNames(s.labels, ['logs', 'sources', i, 'labels'], add);
  });
  checkLogSources(stack, add);

  // Dashboards -----------------------------------------------------------------------------------------------------
  for (const p of dashboardConfigProblems(stack)) add(p.path, p.message);

  return problems;
}

type Add = (parts: Array<string | number>, message: string) => void;

/** The schema checks label-name syntax; `__` names pass it but are Prometheus's own. */
function checkLabelNames(labels: Record<string, string>, parts: Array<string | number>, add: Add): void {
  for (const name of Object.keys(labels)) {
    if (name.startsWith('__')) add([...parts, name], `label names starting with "__" are reserved for Prometheus`);
  }
}

function checkLabelList(names: string[], parts: Array<string | number>, add: Add): void {
  if (names.includes('...') && names.length > 1) add(parts, '"..." groups by every label and must stand alone');
}

/** The schema checks matcher syntax; a regex value must also compile. */
function checkMatcher(m: string, parts: Array<string | number>, add: Add): void {
  const parsed = parseMatcher(m);
  if (!parsed || !parsed.op.includes('~')) return;
  try {
    new RegExp(`^(?:${parsed.value})$`);
  } catch {
    add(parts, `the regular expression in ${JSON.stringify(m)} does not compile`);
  }
}

function checkTimeout(timeout: string, interval: string, parts: Array<string | number>, add: Add): void {
  if (parseDuration(timeout) > parseDuration(interval))
    add(parts, `scrape timeout ${timeout} is longer than the scrape interval ${interval}; expected a timeout no longer than the interval`);
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
