/**
 * No-data guards: for every metric family a scrape target declares (`ruleSets`), one `MetricsMissing` rule that fires
 * when the target is up but the family's key metric is absent, under the name the target exports it. Without it a
 * renamed metric or another app's names silence every rule of the family and nothing says so. A target that is down
 * stays quiet here: TargetDown covers it.
 */
import { AlertSpec, Stack } from './schema';
import type { AlertRule } from './alerts';
import { NO_DATA_ALERT } from '../alert-rules/catalog';
import { FAMILY_KEY_METRICS } from '../metrics/families';
import { scrapeJobs } from './jobs';
import { familyMapping } from './mapping';
import { seriesNames, stackFamilies } from './metrics';
import { jobMatcher, selector } from './promql';

/** The series whose absence means the target does not export `family`, under the target's exported name. */
export function keyMetric(stack: Stack, job: string, family: string): string | undefined {
  const defs = stackFamilies(stack)[family];
  if (!defs) return undefined;
  const logical = (FAMILY_KEY_METRICS as Record<string, string>)[family] ?? Object.keys(defs)[0];
  if (logical === undefined) return undefined;
  const exported = familyMapping(stack, job, family).names[logical] ?? logical;
  // A histogram is present through its `_count` series (every exposition of a histogram has it).
  return defs[logical].type === 'histogram' ? seriesNames(exported, defs[logical])[3] : exported;
}

/** One rule per target and declared family; none when the stack disables the catalog or the alert. */
export function noDataRules(stack: Stack): AlertRule[] {
  const override = stack.alerts.overrides[NO_DATA_ALERT.name];
  if (!stack.alerts.catalog || override?.enabled === false) return [];
  const rules: AlertRule[] = [];
  for (const job of scrapeJobs(stack)) {
    if (job.component) continue;
    const keys = new Map(job.ruleSets.map((f) => [f, keyMetric(stack, job.job, f)] as const));
    for (const [family, key] of keys) {
      if (key) rules.push(noDataRule(job, family, key, [...keys.values()].filter((k): k is string => !!k), override));
    }
  }
  return rules;
}

type Override = Stack['alerts']['overrides'][string] | undefined;
type Job = ReturnType<typeof scrapeJobs>[number];

/**
 * The rule of one target and family. Its test inputs hold the target's other key metrics too: the rules of one
 * alert name are tested together, so only this family may be missing in the firing case.
 */
function noDataRule(job: Job, family: string, key: string, jobKeys: string[], override: Override): AlertRule {
  const pin = jobMatcher([job.job]);
  const labels = { job: job.job, instance: job.targets[0], service: job.labels.service };
  const present = (metrics: string[]) => metrics.map((m) => ({ series: series(m, labels), values: '1x30' }));
  const up = { series: series('up', labels), values: '1x30' };
  const spec = AlertSpec.parse({
    kind: 'raw',
    name: NO_DATA_ALERT.name,
    severity: override?.severity ?? NO_DATA_ALERT.severity,
    for: override?.for ?? NO_DATA_ALERT.for,
    summary: override?.summary ?? NO_DATA_ALERT.summary(family),
    description: override?.description ?? NO_DATA_ALERT.description(family, key),
    ...(override?.runbookUrl ? { runbookUrl: override.runbookUrl } : {}),
    ...(override?.annotations ? { annotations: override.annotations } : {}),
    // `job` too: rules of one name need distinct labels (promtool's duplicate-rule lint) when targets share a family.
    labels: { ...(override?.labels ?? {}), family, job: job.job },
    jobs: [job.job],
    // `unless on (job, instance)`: any series of the key metric on the instance counts as present.
    expr: `${selector('up', pin)} == 1\nunless on (job, instance)\n${selector(key, pin)}`,
    test: {
      firing: [up, ...present(jobKeys.filter((k) => k !== key))],
      // Quiet: the instance up with every key metric, and a second instance down without any (TargetDown's case).
      quiet: [up, ...present(jobKeys), { series: series('up', { ...labels, instance: `${labels.instance}-down` }), values: '0x30' }],
      expectLabels: labels,
    },
  });
  return { ...spec, tiers: [{ severity: spec.severity, threshold: 0 }] } as AlertRule;
}

function series(metric: string, labels: Record<string, string>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ');
  return `${metric}{${body}}`;
}
