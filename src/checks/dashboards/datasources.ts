/**
 * Datasources a dashboard may name: the stack's provisioned ones (from synth's provisioning files, or from the
 * stack when there are none), Grafana's special ones, and datasource variables (`${datasource}`), which stand for
 * the provisioned datasource of their type.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { Stack } from '../../schema';
import { DATASOURCE_UIDS, DatasourceName } from '../../datasources';
import { isObj, Json, str, templatingList } from './json';
import { variablesUsed } from './variables';

export interface KnownDatasource {
  uid: string;
  type: string;
}

// Grafana's special datasources, always present.
export const SPECIAL_DATASOURCES = new Set(['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana']);

/** The datasources a stack provisions (uids from DATASOURCE_UIDS, for the enabled components). */
export function stackDatasources(stack: Stack): KnownDatasource[] {
  return (Object.keys(DATASOURCE_UIDS) as DatasourceName[])
    .filter((name) => stack.components[name].enabled)
    .map((name) => ({ uid: DATASOURCE_UIDS[name], type: name }));
}

/** Datasources from synth's provisioning files, or undefined when there are none. */
export function provisionedDatasources(filesDir: string): KnownDatasource[] | undefined {
  const dir = path.join(filesDir, 'grafana', 'provisioning', 'datasources');
  if (!fs.existsSync(dir)) return undefined;
  const out: KnownDatasource[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const doc = yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) as { datasources?: Array<{ uid?: string; type?: string }> } | undefined;
    for (const ds of doc?.datasources ?? []) if (ds.uid && ds.type) out.push({ uid: ds.uid, type: ds.type });
  }
  return out;
}

/** What a datasource reference resolves to, and what is wrong with it (undefined: nothing). */
export interface Resolved {
  ds?: KnownDatasource;
  problem?: string;
}

/** Resolves a panel's or query's `datasource` against the known datasources and the dashboard's variables. */
export function resolveDatasource(ref: unknown, dash: Json, known: Map<string, KnownDatasource>): Resolved {
  if (ref === undefined || ref === null) return {};
  if (typeof ref === 'string') {
    return SPECIAL_DATASOURCES.has(ref) ? {} : { problem: `datasource given by name "${ref}"; use a { type, uid } reference with a provisioned uid` };
  }
  if (!isObj(ref)) return {};
  const uid = str(ref.uid);
  if (!uid || SPECIAL_DATASOURCES.has(uid)) return {};
  const vars = variablesUsed(uid);
  // A variable that is not a datasource variable is reported by dashboards/variables-defined or -variable; the
  // reference's own type still tells how to read the query.
  if (vars.length) return { ds: datasourceVariableType(dash, vars[0]) ?? (typeof ref.type === 'string' ? { uid, type: ref.type } : undefined) };
  const found = known.get(uid);
  if (!found) return { problem: `unknown datasource uid "${uid}"; provisioned: ${[...known.keys()].join(', ') || 'none'}` };
  if (ref.type !== undefined && ref.type !== found.type) return { ds: found, problem: `datasource "${uid}" is of type "${found.type}", not "${String(ref.type)}"` };
  return { ds: found };
}

/** A datasource variable stands for a datasource of its type (`query`); its uid is the variable. */
function datasourceVariableType(dash: Json, name: string): KnownDatasource | undefined {
  const v = templatingList(dash).find((x) => x.name === name && x.type === 'datasource');
  const type = v && str(v.query);
  return type ? { uid: `\${${name}}`, type } : undefined;
}
