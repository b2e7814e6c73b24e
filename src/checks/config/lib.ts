/**
 * What the config checks share: they run when a config loads (src/validate.ts turns their findings into problems
 * with the file and JSON path, exit 2) and are listed by `check`. Not a check itself.
 */
import type { Stack } from '../../schema';
import type { Check, CheckContext, Finding } from '../types';
import { jsonPath } from '../../errors';
import { parseMatcher } from '../../promql';
import { parseDuration } from '../../duration';

export type Path = Array<string | number>;
export type Add = (parts: Path, message: string) => void;

/** A config check: `body` reports problems by JSON path; findings name the config source and the path. */
export function configCheck(spec: Omit<Check, 'run' | 'severity' | 'target'>, body: (stack: Stack, add: Add, source: string) => void): Check {
  return {
    ...spec,
    severity: 'error',
    target: 'config',
    run(ctx: CheckContext): Finding[] {
      const out: Finding[] = [];
      body(ctx.stack, (parts, message) => out.push({ file: ctx.source, subject: jsonPath(parts), message }), ctx.source);
      return out;
    },
  };
}

/** The schema checks label-name syntax; `__` names pass it but are Prometheus's own. */
export function checkLabelNames(labels: Record<string, string>, parts: Path, add: Add): void {
  for (const name of Object.keys(labels)) {
    if (name.startsWith('__')) add([...parts, name], `label names starting with "__" are reserved for Prometheus`);
  }
}

export function checkLabelList(names: string[], parts: Path, add: Add): void {
  if (names.includes('...') && names.length > 1) add(parts, '"..." groups by every label and must stand alone');
}

/** The schema checks matcher syntax; a regex value must also compile. */
export function checkMatcher(m: string, parts: Path, add: Add): void {
  const parsed = parseMatcher(m);
  if (!parsed || !parsed.op.includes('~')) return;
  try {
    new RegExp(`^(?:${parsed.value})$`);
  } catch {
    add(parts, `the regular expression in ${JSON.stringify(m)} does not compile`);
  }
}

export function checkTimeout(timeout: string, interval: string, parts: Path, add: Add): void {
  if (parseDuration(timeout) > parseDuration(interval))
    add(parts, `scrape timeout ${timeout} is longer than the scrape interval ${interval}; expected a timeout no longer than the interval`);
}
