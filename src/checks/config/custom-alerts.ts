/** config/custom-alerts: custom alerts have unique names, watch scraped jobs and carry PromQL that parses. */
import type { AlertSpecConfig } from '../../schema';
import { catalogAlertNames } from '../../../alert-rules/catalog';
import { parsePromQL, referencedJobs } from '../../promql';
import { scrapeJobs } from '../../jobs';
import { checkAlerts } from '../../validate-alerts';
import { Add, checkLabelNames, configCheck, Path } from './lib';

export const customAlerts = configCheck(
  {
    id: 'config/custom-alerts',
    description: 'custom alerts: unique names, scraped jobs, PromQL that parses, testable templates',
    explain:
      'A custom alert named like another (or like a catalog alert) would be rendered twice; one watching a job the ' +
      'stack does not scrape never fires; a PromQL fragment that does not parse makes Prometheus refuse the rule file; ' +
      'raw alerts bring test series that must be selectors. The texts must use template features the rule-test ' +
      'generator can evaluate (src/validate-alerts.ts). Refused at load time with the JSON path.',
  },
  (stack, add) => {
    const catalog = catalogAlertNames();
    const scraped = new Set(scrapeJobs(stack).map((j) => j.job));
    const names = new Map<string, string>();
    if (stack.alerts.catalog) for (const name of catalog.keys()) names.set(name, 'a catalog alert');
    stack.alerts.custom.forEach((a, i) => {
      const where: Path = ['alerts', 'custom', i];
      const other = names.get(a.name);
      if (other) {
        add([...where, 'name'], `duplicate alert name "${a.name}" (already ${other}); expected a unique name${other === 'a catalog alert' ? `, or alerts.overrides.${a.name} to change the catalog alert` : ''}`);
      } else names.set(a.name, `alerts.custom[${i}]`);
      checkLabelNames(a.labels, [...where, 'labels'], add);
      a.jobs.forEach((job, j) => {
        if (!scraped.has(job)) add([...where, 'jobs', j], `alert watches job "${job}", which the stack does not scrape; expected one of: ${[...scraped].join(', ')}`);
      });
      checkFragments(a, where, add);
      if (a.kind === 'raw') checkRaw(a, where, scraped, add);
    });
    checkAlerts(stack, add);
  },
);

/** Every PromQL fragment must parse, alone and as the rendered selector. */
function checkFragments(a: AlertSpecConfig, where: Path, add: Add): void {
  const fragments: Array<[Path, string]> = [];
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
}

function checkRaw(a: Extract<AlertSpecConfig, { kind: 'raw' }>, where: Path, scraped: Set<string>, add: Add): void {
  for (const job of referencedJobs(a.expr)) {
    if (!scraped.has(job)) add([...where, 'expr'], `the expression selects job "${job}", which the stack does not scrape; expected one of: ${[...scraped].join(', ')}`);
  }
  a.test.firing.concat(a.test.quiet).forEach((s) => {
    const parsed = parsePromQL(s.series);
    if (parsed.errors.length || parsed.selectors.length !== 1) add([...where, 'test'], `${JSON.stringify(s.series)} is not a series selector`);
  });
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
