/** Reads synth's `files/` once into the parsed form every check shares. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { Stack } from '../schema';
import type { CheckContext, DashboardEntry, RuleFileEntry, RuleGroupEntry } from './types';

const RULES_DIR = 'prometheus/rules';
const DASHBOARDS_DIR = 'grafana/dashboards';

/** Files under `<filesDir>/<dir>` ending in one of `exts`, as sorted `files/`-relative POSIX paths. */
export function listFiles(filesDir: string, dir: string, exts: string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const full = path.join(abs, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (exts.some((e) => entry.name.endsWith(e))) out.push(path.relative(filesDir, full).split(path.sep).join('/'));
    }
  };
  const root = path.join(filesDir, dir);
  if (fs.existsSync(root)) walk(root);
  return out.sort();
}

export function readRuleFiles(filesDir: string): RuleFileEntry[] {
  return listFiles(filesDir, RULES_DIR, ['.yml', '.yaml']).map((file) => {
    const doc = yaml.load(fs.readFileSync(path.join(filesDir, file), 'utf8')) as { groups?: RuleGroupEntry[] } | null;
    return { file, groups: doc?.groups ?? [] };
  });
}

export function readDashboards(filesDir: string): DashboardEntry[] {
  return listFiles(filesDir, DASHBOARDS_DIR, ['.json']).map((file) => {
    const text = fs.readFileSync(path.join(filesDir, file), 'utf8');
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { file, text, json };
  });
}

export function checkContext(stack: Stack, source: string, filesDir: string): CheckContext {
  return { stack, source, filesDir, rules: readRuleFiles(filesDir), dashboards: readDashboards(filesDir) };
}
