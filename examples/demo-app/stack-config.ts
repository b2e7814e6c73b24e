/**
 * `--stack-config <file> --job <job>`: the demo app exports what the stack says that job's exporter exports. The
 * app's own families (http, ai, database, cache, websocket, system) take the mappings of the target `job`
 * (default: the first target that lists one of them); the simulated exporters (redis, postgres) take the mappings
 * of the first target that lists their family.
 */
import { loadStack } from '../../src/load';
import { familyMapping } from '../../src/mapping';
import type { Stack } from '../../src/schema';
import { APP_FAMILIES, EXPORTER_FAMILIES, MetricsOptions } from './metrics';

export function mappingsFromStack(stack: Stack, job?: string): NonNullable<MetricsOptions['mappings']> {
  const targets = stack.scrapeTargets;
  const app = job ?? targets.find((t) => t.ruleSets.some((f) => (APP_FAMILIES as readonly string[]).includes(f)))?.job;
  if (job !== undefined && !targets.some((t) => t.job === job)) {
    throw new Error(`--job ${job}: the stack has no scrape target "${job}"; expected one of: ${targets.map((t) => t.job).join(', ')}`);
  }
  const out: NonNullable<MetricsOptions['mappings']> = {};
  for (const family of APP_FAMILIES) if (app) out[family] = familyMapping(stack, app, family);
  for (const family of EXPORTER_FAMILIES) {
    const owner = targets.find((t) => t.ruleSets.includes(family));
    if (owner) out[family] = familyMapping(stack, owner.job, family);
  }
  return out;
}

/** Loads and validates the stack file (YAML, JSON), then its mappings; a bad file throws with every problem. */
export function loadMappings(file: string, job?: string): NonNullable<MetricsOptions['mappings']> {
  return mappingsFromStack(loadStack({ config: file }).stack, job);
}
