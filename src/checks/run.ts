/**
 * Runs the registry's checks on synth's output: the stack's exclusions applied, findings grouped by file, one
 * report line per check (error findings fail `check`, warnings print). Config checks already ran when the config
 * loaded (a problem there is bad input, exit 2), so they are listed as passed.
 */
import type { Stack } from '../schema';
import type { CheckResult } from '../check-result';
import type { Check, CheckContext, Finding } from './types';
import { CHECKS } from './index';
import { checkContext } from './context';
import { excludes } from './exclusions';

export interface CheckRun {
  check: Check;
  findings: Finding[];
  /** Findings a `checks.exclude` entry silenced, with its reason. */
  excluded: Array<{ finding: Finding; reason: string }>;
  /** A config check: it ran when the config loaded. */
  atLoad: boolean;
}

export function runRegistry(ctx: CheckContext, checks: readonly Check[] = CHECKS): CheckRun[] {
  return checks.map((check) => {
    if (check.target === 'config') return { check, findings: [], excluded: [], atLoad: true };
    const findings: Finding[] = [];
    const excluded: CheckRun['excluded'] = [];
    for (const f of unique(check.run(ctx))) {
      const by = ctx.stack.checks.exclude.find((e) => excludes(e, check.id, f));
      if (by) excluded.push({ finding: f, reason: by.reason });
      else findings.push(f);
    }
    return { check, findings, excluded, atLoad: false };
  });
}

/** The same finding twice (an alert's tiers share name and text) is reported once. */
function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.file}\0${f.subject}\0${f.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** Findings as report lines, grouped by file (files in order, findings in order of appearance). */
export function groupByFile(findings: Finding[]): string[] {
  const files = new Map<string, Finding[]>();
  for (const f of findings) files.set(f.file, [...(files.get(f.file) ?? []), f]);
  return [...files].flatMap(([file, list]) => [file, ...list.map((f) => `  ${f.subject}: ${f.message}`)]);
}

/** One report line per check. */
export function runResult(run: CheckRun): CheckResult {
  const { check, findings, excluded } = run;
  const count = findings.length ? ` (${findings.length} finding${findings.length === 1 ? '' : 's'})` : '';
  const name = `${check.id}: ${check.description}${run.atLoad ? ' (when the config loaded)' : count}`;
  const lines = groupByFile(findings);
  const notes = excluded.length
    ? [`excluded: ${excluded.length} finding${excluded.length === 1 ? '' : 's'} (checks.exclude: ${[...new Set(excluded.map((e) => e.reason))].join('; ')})`]
    : [];
  if (check.severity === 'error' && findings.length) return { name, ok: false, detail: [...lines, ...notes].join('\n') };
  const warnings = findings.length ? ['warning:', ...lines] : [];
  return { name, ok: true, ...(warnings.length || notes.length ? { notes: [...warnings, ...notes] } : {}) };
}

/** The named checks as an ExtraCheck of src/check.ts. */
export function registryChecks(stack: Stack, filesDir: string, source = `stack "${stack.name}"`): CheckResult[] {
  return runRegistry(checkContext(stack, source, filesDir)).map(runResult);
}
