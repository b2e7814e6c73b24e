/**
 * Checks beyond the JSON Schema, run when a config loads: the config checks of the registry (src/checks/config/*:
 * unique names, references that resolve, PromQL that parses, alerts that watch scraped jobs, templates the rule-test
 * generator can evaluate) and the stack's check exclusions. Every problem has the file and the JSON path.
 */
import type { Stack } from './schema';
import { jsonPath, Problem } from './errors';
import { CHECKS } from './checks';
import { checkExclusions } from './checks/exclusions';

export function crossCheck(stack: Stack, source: string): Problem[] {
  const ctx = { stack, source, filesDir: '', rules: [], dashboards: [] };
  const problems: Problem[] = CHECKS.filter((c) => c.target === 'config')
    .flatMap((c) => c.run(ctx))
    .map((f) => ({ source, path: f.subject, message: f.message }));
  checkExclusions(stack, CHECKS, (parts, message) => problems.push({ source, path: jsonPath(parts), message }));
  return problems;
}
