/**
 * The `dashboards` section of a stack config, checked when the config loads (each problem with its JSON path):
 * `include` names dashboards of dashboards/, `custom` dashboards have unique uids and titles, and their panels
 * queries that parse, read provided metrics and shipped log jobs, and use only the variables config dashboards get.
 */
import type { ConfigPanelConfig, Stack } from '../../schema';
import { providedSeries } from '../../metrics';
import { findDashboard, includedDashboards } from '../../render/dashboards';
import { DASHBOARDS } from '../../../dashboards';
import { CONFIG_DASHBOARD_VARIABLES, configDashboardJobs } from '../../../dashboards/lib';
import { isLogQLMetricQuery } from './logql';
import { queryProblems } from './queries';
import { BUILTIN_VARIABLES, substituteVariables, variablesUsed } from './variables';

export interface ConfigProblem {
  path: Array<string | number>;
  message: string;
}

export function dashboardConfigProblems(stack: Stack): ConfigProblem[] {
  return [...includeProblems(stack), ...customDashboardProblems(stack)];
}

function includeProblems(stack: Stack): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  const available = DASHBOARDS.map((d) => `${d.uid} ("${d.title}")`).join(', ');
  (stack.dashboards.include ?? []).forEach((name, i) => {
    const def = findDashboard(name);
    const path = ['dashboards', 'include', i];
    if (!def) out.push({ path, message: `unknown dashboard "${name}"; expected the uid or title of a dashboard of dashboards/: ${available}` });
    else if (seen.has(def.uid)) out.push({ path, message: `dashboard "${def.title}" is already listed at include[${seen.get(def.uid)}]` });
    else seen.set(def.uid, i);
  });
  return out;
}

function customDashboardProblems(stack: Stack): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  // The selected dashboards of dashboards/ come first; a custom dashboard may reuse the uid of one left out.
  const builtIn = includedDashboards(stack);
  const uids = new Map(builtIn.map((d) => [d.uid, `dashboard "${d.title}" of dashboards/`]));
  const titles = new Map(builtIn.map((d) => [d.title, `dashboard "${d.title}" of dashboards/`]));
  const provided = providedSeries(stack);
  stack.dashboards.custom.forEach((d, i) => {
    const where = ['dashboards', 'custom', i];
    const unique = (field: 'uid' | 'title', seen: Map<string, string>) => {
      const owner = seen.get(d[field]);
      if (owner) out.push({ path: [...where, field], message: `duplicate dashboard ${field} "${d[field]}" (already ${owner}); expected a unique ${field}` });
      else seen.set(d[field], `dashboards.custom[${i}]`);
    };
    unique('uid', uids);
    unique('title', titles);
    const panelTitles = new Set<string>();
    d.panels.forEach((p, j) => {
      const at = (...rest: Array<string | number>) => [...where, 'panels', j, ...rest];
      const name = `dashboard "${d.title}": panel "${p.title}"`;
      if (panelTitles.has(p.title)) out.push({ path: at('title'), message: `${name}: another panel of the dashboard has the same title; expected a unique title` });
      panelTitles.add(p.title);
      out.push(...configPanelProblems(p, stack, provided).map(([field, msg]) => ({ path: at(...field), message: `${name}: ${msg}` })));
    });
  });
  return out;
}

/** [field path within the panel, message] pairs for one config panel. */
function configPanelProblems(p: ConfigPanelConfig, stack: Stack, provided: Map<string, string[]>): Array<[string[], string]> {
  if ((p.promql === undefined) === (p.logql === undefined)) return [[[], 'expected exactly one query: "promql" (Prometheus) or "logql" (Loki)']];
  if (p.type === 'logs' && p.logql === undefined) return [[['promql'], 'a logs panel shows log lines; expected a "logql" query']];
  const field = p.promql !== undefined ? 'promql' : 'logql';
  const expr = (p.promql ?? p.logql)!;
  const component = field === 'promql' ? 'prometheus' : 'loki';
  if (!stack.components[component].enabled) return [[[field], `the stack does not run ${component} (components.${component}.enabled is false)`]];
  const out: Array<[string[], string]> = [];
  const allowed: string[] = [...CONFIG_DASHBOARD_VARIABLES[component]];
  for (const name of variablesUsed(expr)) {
    if (BUILTIN_VARIABLES.has(name) || allowed.includes(name)) continue;
    out.push([[field], `uses variable $${name}, which config dashboards do not define; expected ${allowed.map((a) => `$${a}`).join(', ')} or Grafana's built-ins such as $__rate_interval`]);
  }
  // `$job` stands for every job the variable offers, as in the rendered dashboard's checks.
  const samples: Record<string, string> = { job: configDashboardJobs(stack).join('|') || 'none', instance: 'sample' };
  out.push(...queryProblems(expr, component, stack, provided, samples).map((m): [string[], string] => [[field], m]));
  if (out.length === 0 && field === 'logql' && p.type !== 'logs' && !isLogQLMetricQuery(substituteVariables(expr, samples))) {
    out.push([[field], `a ${p.type} panel draws numbers, but this LogQL returns log lines; expected a metric query such as sum(count_over_time(${expr} [$__interval])) or type "logs"`]);
  }
  return out;
}
