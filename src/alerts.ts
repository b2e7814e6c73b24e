/**
 * Resolves the alerts of a stack: catalog rule sets for the jobs that declare them, per-stack overrides, and the
 * custom alerts. The result is a list of rule groups, each alert expanded into one rule per severity tier.
 */
import { AlertSpec, AlertSpecConfig, Stack } from './schema';
import { CATALOG, CatalogAlert, CatalogGroup, Severity } from '../alert-rules/catalog';
import { scrapeJobs } from './jobs';
import { alertMapper } from './mapping';
import { noDataRules } from './no-data';

/** A spec whose threshold is settled: one number (kinds without thresholds are unchanged). */
type Settled<T> = T extends { threshold?: number } ? Omit<T, 'threshold' | 'thresholds'> & { threshold: number } : T;

export interface Tier {
  severity: Severity;
  threshold: number;
}

/** One alerting rule: an alert spec at one severity and threshold. */
export type AlertRule = Settled<AlertSpecConfig> & {
  /** Every tier of this alert name (itself included), so rule tests can tell which tiers fire together. */
  tiers: Tier[];
};

export interface RuleGroup {
  /** File stem and group name, e.g. "http", "stack", "custom". */
  name: string;
  /** The group's own evaluation interval, when the stack sets one. */
  interval?: string;
  rules: AlertRule[];
}

export const GROUP_ORDER: Array<CatalogGroup | 'nodata' | 'custom'> = [...(Object.keys(CATALOG) as CatalogGroup[]), 'nodata', 'custom'];

/** Rule groups of a validated stack, in a fixed order; empty groups are left out. */
export function resolveAlerts(stack: Stack): RuleGroup[] {
  const groups = new Map<string, AlertRule[]>();
  if (stack.alerts.catalog) {
    const jobs = scrapeJobs(stack);
    for (const [group, alerts] of Object.entries(CATALOG) as Array<[CatalogGroup, CatalogAlert[]]>) {
      for (const entry of alerts) {
        const scopeJobs = jobsFor(entry, group, jobs);
        if (scopeJobs.length === 0) continue;
        const rules = expandCatalogAlert(entry, scopeJobs, stack.alerts.overrides[entry.spec.name]);
        if (rules.length) groups.set(group, [...(groups.get(group) ?? []), ...rules]);
      }
    }
  }
  // No-data guards, one per target and declared family (src/no-data.ts); already under exported names.
  const noData = noDataRules(stack);
  if (noData.length) groups.set('nodata', noData);
  const custom = stack.alerts.custom.filter((a) => a.enabled).flatMap((a) => expandTiers(a, 'thresholds' in a ? a.thresholds : undefined));
  if (custom.length) groups.set('custom', custom);
  // Logical metric names become the names each job's exporter uses (scrapeTargets[].metrics; src/mapping.ts).
  const mapped = alertMapper(stack);
  const runbook = runbookFiller(stack.alerts.runbookUrlPattern);
  return GROUP_ORDER.filter((g) => groups.has(g)).map((g) => {
    const interval = stack.alerts.groups[g]?.interval;
    return { name: g, ...(interval ? { interval } : {}), rules: groups.get(g)!.flatMap(mapped).map(runbook) };
  });
}

/** A rule without a runbookUrl of its own gets the stack's pattern with `{alert}` replaced by its name. */
function runbookFiller(pattern: string | undefined): (rule: AlertRule) => AlertRule {
  if (!pattern) return (rule) => rule;
  return (rule) => (rule.runbookUrl ? rule : { ...rule, runbookUrl: pattern.replace(/\{alert\}/g, rule.name) });
}

function jobsFor(entry: CatalogAlert, group: CatalogGroup, jobs: ReturnType<typeof scrapeJobs>): string[] {
  const scope = entry.scope ?? 'ruleSet';
  if (scope === 'allJobs') return jobs.map((j) => j.job);
  if (scope === 'probes') return jobs.filter((j) => j.probe).map((j) => j.job);
  if (scope === 'prometheus' || scope === 'alertmanager') return jobs.filter((j) => j.job === scope).map((j) => j.job);
  return jobs.filter((j) => j.ruleSets.includes(group as never)).map((j) => j.job);
}

type Override = Stack['alerts']['overrides'][string] | undefined;

/** The catalog alert with the stack's override applied: every field an override sets replaces the catalog's. */
export function effectiveCatalogSpec(entry: CatalogAlert, jobs: string[], override: Override): AlertSpecConfig {
  const o = override ?? {};
  const pick = <K extends keyof typeof o>(k: K) => (o[k] !== undefined ? { [k]: o[k] } : {});
  return AlertSpec.parse({
    ...entry.spec,
    jobs,
    ...pick('for'),
    ...pick('window'),
    ...pick('severity'),
    ...pick('threshold'),
    ...pick('summary'),
    ...pick('description'),
    ...pick('runbookUrl'),
    ...(o.annotations || entry.spec.annotations ? { annotations: { ...(entry.spec.annotations ?? {}), ...(o.annotations ?? {}) } } : {}),
    labels: { ...(entry.spec.labels ?? {}), ...(o.labels ?? {}) },
  });
}

/** The effective tiers of a catalog alert (catalog values, then the override's), or undefined for one severity. */
export function catalogTiers(entry: CatalogAlert, override: Override): Partial<Record<Severity, number>> | undefined {
  return entry.tiers ? { ...entry.tiers, ...(override?.thresholds ?? {}) } : undefined;
}

function expandCatalogAlert(entry: CatalogAlert, jobs: string[], override: Override): AlertRule[] {
  if (override?.enabled === false) return [];
  return expandTiers(effectiveCatalogSpec(entry, jobs, override), catalogTiers(entry, override));
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** One rule per tier (by rising severity), or the spec itself at its one threshold. */
function expandTiers(spec: AlertSpecConfig, thresholds: Partial<Record<Severity, number>> | undefined): AlertRule[] {
  // The rules carry one threshold each; the tiers list keeps them all.
  const base = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'thresholds')) as AlertSpecConfig;
  if (!thresholds || Object.keys(thresholds).length === 0) {
    if (!hasThreshold(base)) return [{ ...base, tiers: [{ severity: base.severity, threshold: 0 }] } as AlertRule];
    const threshold = (base as { threshold?: number }).threshold ?? 0; // only an increase alert may leave it out
    return [{ ...base, threshold, tiers: [{ severity: base.severity, threshold }] } as AlertRule];
  }
  const tiers = (Object.entries(thresholds) as Array<[Severity, number]>)
    .map(([severity, threshold]) => ({ severity, threshold }))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return tiers.map((t) => ({ ...base, severity: t.severity, threshold: t.threshold, tiers }) as AlertRule);
}

const hasThreshold = (spec: AlertSpecConfig) => ['ratio', 'latency', 'gauge', 'increase'].includes(spec.kind);
