/**
 * Resolves the alerts of a stack: catalog rule sets for the jobs that declare them, per-stack overrides, and the
 * custom alerts. The result is a list of rule groups, each alert expanded into one rule per severity tier.
 */
import { AlertSpec, AlertSpecConfig, Stack } from './schema';
import { CATALOG, CatalogAlert, CatalogGroup, Severity } from '../alert-rules/catalog';
import { scrapeJobs } from './jobs';
import { alertMapper } from './mapping';

/** One alerting rule: an alert spec at one severity and threshold. */
export type AlertRule = AlertSpecConfig & {
  /** Every tier of this alert name (itself included), so rule tests can tell which tiers fire together. */
  tiers: Array<{ severity: Severity; threshold: number }>;
};

export interface RuleGroup {
  /** File stem and group name, e.g. "http", "stack", "custom". */
  name: string;
  rules: AlertRule[];
}

const GROUP_ORDER: Array<CatalogGroup | 'custom'> = [...(Object.keys(CATALOG) as CatalogGroup[]), 'custom'];

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
  const custom = stack.alerts.custom.filter((a) => a.enabled).map((a) => withTiers(a));
  if (custom.length) groups.set('custom', custom);
  // Logical metric names become the names each job's exporter uses (scrapeTargets[].metrics; src/mapping.ts).
  const mapped = alertMapper(stack);
  return GROUP_ORDER.filter((g) => groups.has(g)).map((g) => ({ name: g, rules: groups.get(g)!.flatMap(mapped) }));
}

function jobsFor(entry: CatalogAlert, group: CatalogGroup, jobs: ReturnType<typeof scrapeJobs>): string[] {
  const scope = entry.scope ?? 'ruleSet';
  if (scope === 'allJobs') return jobs.map((j) => j.job);
  if (scope === 'prometheus' || scope === 'alertmanager') return jobs.filter((j) => j.job === scope).map((j) => j.job);
  return jobs.filter((j) => j.ruleSets.includes(group as never)).map((j) => j.job);
}

type Override = Stack['alerts']['overrides'][string] | undefined;

function expandCatalogAlert(entry: CatalogAlert, jobs: string[], override: Override): AlertRule[] {
  if (override?.enabled === false) return [];
  const base = AlertSpec.parse({
    ...entry.spec,
    jobs,
    ...(override?.for ? { for: override.for } : {}),
    ...(override?.window ? { window: override.window } : {}),
    ...(override?.severity ? { severity: override.severity } : {}),
    ...(override?.threshold !== undefined ? { threshold: override.threshold } : {}),
    labels: { ...(entry.spec.labels ?? {}), ...(override?.labels ?? {}) },
  });
  if (!entry.tiers) return [withTiers(base)];
  const tiers = Object.entries({ ...entry.tiers, ...(override?.thresholds ?? {}) })
    .map(([severity, threshold]) => ({ severity: severity as Severity, threshold: threshold as number }))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return tiers.map((t) => ({ ...base, severity: t.severity, threshold: t.threshold, tiers } as AlertRule));
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

function withTiers(spec: AlertSpecConfig): AlertRule {
  const threshold = 'threshold' in spec ? spec.threshold : 0;
  return { ...spec, tiers: [{ severity: spec.severity, threshold }] };
}
