/**
 * Grafana dashboards: the dashboards of dashboards/ the stack selects (`dashboards.include`, else the default set)
 * and those its config writes (`dashboards.custom`), built for the stack, as `grafana/dashboards/<Folder>/<uid>.json`,
 * and the file provider that loads them (`grafana/provisioning/dashboards/dashboards.yml`), folders from the
 * directory structure. Pure and deterministic: keys sorted, 2-space indent, trailing newline.
 */
import type { Stack } from '../schema';
import { DASHBOARDS, DEFAULT_DASHBOARDS } from '../../dashboards';
import { dashboardFromConfig, DashboardDefinition } from '../../dashboards/lib';
import { GRAFANA_DASHBOARDS_DIR } from '../containers';
import { toYaml } from '../yaml';

export const DASHBOARDS_DIR = 'grafana/dashboards';
export const DASHBOARD_PROVIDER_FILE = 'grafana/provisioning/dashboards/dashboards.yml';

/** JSON with object keys sorted at every level: the same value always gives the same bytes. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}

export interface BuiltDashboard {
  /** Path under synth's `files/`. */
  file: string;
  folder: string;
  uid: string;
  title: string;
  json: object;
}

/** The dashboard of dashboards/ that `name` (a uid or a title, as in `dashboards.include`) stands for. */
export function findDashboard(name: string): DashboardDefinition | undefined {
  return DASHBOARDS.find((d) => d.uid === name) ?? DASHBOARDS.find((d) => d.title === name);
}

/** The dashboards of dashboards/ the stack includes (`dashboards.include`, else the default set), in menu order. */
export function includedDashboards(stack: Stack): DashboardDefinition[] {
  const chosen = new Set((stack.dashboards.include ?? DEFAULT_DASHBOARDS).map(findDashboard));
  return DASHBOARDS.filter((d) => chosen.has(d));
}

/** The included dashboards, then those of the stack's config, in config order. */
export function selectedDashboards(stack: Stack): DashboardDefinition[] {
  return [...includedDashboards(stack), ...stack.dashboards.custom.map(dashboardFromConfig)];
}

/** The stack's dashboards (those with something to show). */
export function buildDashboards(stack: Stack): BuiltDashboard[] {
  if (!stack.components.grafana.enabled) return [];
  const out: BuiltDashboard[] = [];
  for (const def of selectedDashboards(stack)) {
    const json = def.build(stack);
    if (!json) continue;
    out.push({ file: `${DASHBOARDS_DIR}/${def.folder}/${def.uid}.json`, folder: def.folder, uid: def.uid, title: def.title, json });
  }
  return out;
}

/** `apiVersion: 1` file provider; Grafana makes a folder of each directory under the path. */
export function dashboardProvider(): object {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'monitoring-stack',
        orgId: 1,
        type: 'file',
        disableDeletion: true,
        // Provisioned dashboards change in code: edits in the UI cannot be saved over them.
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: GRAFANA_DASHBOARDS_DIR, foldersFromFilesStructure: true },
      },
    ],
  };
}

/** Files (relative to `files/`) of the dashboards and their provider; none when Grafana is disabled. */
export function renderDashboards(stack: Stack, header?: string, built: BuiltDashboard[] = buildDashboards(stack)): Record<string, string> {
  if (built.length === 0) return {};
  const files: Record<string, string> = { [DASHBOARD_PROVIDER_FILE]: toYaml(dashboardProvider(), header) };
  for (const d of built) files[d.file] = stableJson(d.json);
  return files;
}
