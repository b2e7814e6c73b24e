/**
 * No-data guards: for every metric family a scrape target declares (`ruleSets`), a `MetricsMissing` rule that fires
 * when a target is up but the family's key metric is absent, under the name the target exports it. Without it a
 * renamed metric or another app's names silence every rule of the family and nothing says so. A target that is down
 * stays quiet here: TargetDown covers it.
 */
import { AlertSpec, Stack } from './schema';
import type { AlertRule } from './alerts';
import { NO_DATA_ALERT } from '../alert-rules/catalog';
import { FAMILY_KEY_METRICS } from '../metrics/families';
import { sampleInstance, scrapeJobs } from './jobs';
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

/**
 * One rule per declared family and exported key metric, over every target that declares it: one rule per target
 * would cost Prometheus an evaluation per target (600 rules at 100 services, docs/performance.md) for the same answer.
 * None when the stack disables the catalog or the alert.
 */
export function noDataRules(stack: Stack): AlertRule[] {
  const override = stack.alerts.overrides[NO_DATA_ALERT.name];
  if (!stack.alerts.catalog || override?.enabled === false) return [];
  const groups = new Map<string, { family: string; key: string; jobs: Job[] }>();
  for (const job of scrapeJobs(stack)) {
    if (job.component) continue;
    for (const family of job.ruleSets) {
      const key = keyMetric(stack, job.job, family);
      if (!key) continue;
      const id = `${family}\u0000${key}`;
      if (!groups.has(id)) groups.set(id, { family, key, jobs: [] });
      groups.get(id)!.jobs.push(job);
    }
  }
  return [...groups.values()].map((g) => noDataRule(g.jobs, g.family, g.key, jobKeys(stack, g.jobs[0]), override));
}

type Override = Stack['alerts']['overrides'][string] | undefined;
type Job = ReturnType<typeof scrapeJobs>[number];

/** Every key metric of one target: its test inputs need them all, so only the family under test is missing. */
function jobKeys(stack: Stack, job: Job): string[] {
  return job.ruleSets.map((f) => keyMetric(stack, job.job, f)).filter((k): k is string => !!k);
}

/**
 * The rule of one family and key metric over its targets. Its tests use the first target: the rules of one alert
 * name are tested together, so the target's other key metrics are present in the firing case.
 */
function noDataRule(jobs: Job[], family: string, key: string, keysOfFirst: string[], override: Override): AlertRule {
  const names = jobs.map((j) => j.job);
  const pin = jobMatcher(names);
  const first = jobs[0];
  const labels = { job: first.job, instance: sampleInstance(first), service: first.labels.service };
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
    // The firing series carry `job` from `up`; `family` keeps the rules of one name apart.
    labels: { ...(override?.labels ?? {}), family },
    jobs: names,
    // `unless on (job, instance)`: any series of the key metric on the instance counts as present.
    expr: `${selector('up', pin)} == 1\nunless on (job, instance)\n${selector(key, pin)}`,
    test: {
      firing: [up, ...present(keysOfFirst.filter((k) => k !== key))],
      // Quiet: the instance up with every key metric, and a second instance down without any (TargetDown's case).
      quiet: [up, ...present(keysOfFirst), { series: series('up', { ...labels, instance: `${labels.instance}-down` }), values: '0x30' }],
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
