/** `check --metrics <job>=<file-or-url>`: parses the flags, reads the expositions and runs the contract check. */
import type { Stack } from '../schema';
import type { CheckResult } from '../check-result';
import { ConfigError, Problem } from '../errors';
import { scrapeJobs } from '../jobs';
import { Exposition, readExposition } from './exposition';
import { checkContract } from './check';

export interface MetricsSource {
  job: string;
  location: string;
}

/** `job=location` pairs; a malformed pair, an unknown or repeated job is bad input (exit 2). */
export function parseMetricsFlags(values: string[], stack: Stack): MetricsSource[] {
  const jobs = scrapeJobs(stack).map((j) => j.job);
  const problems: Problem[] = [];
  const out: MetricsSource[] = [];
  values.forEach((value, i) => {
    const at = { source: 'command line', path: `--metrics[${i}] ${JSON.stringify(value)}` };
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) {
      problems.push({ ...at, message: 'expected <job>=<file-or-url>, e.g. backend=metrics.txt or backend=http://127.0.0.1:8000/metrics' });
      return;
    }
    const source = { job: value.slice(0, eq), location: value.slice(eq + 1) };
    if (!jobs.includes(source.job)) problems.push({ ...at, message: `unknown job "${source.job}"; expected one of the stack's scrape jobs: ${jobs.join(', ')}` });
    else if (out.some((o) => o.job === source.job)) problems.push({ ...at, message: `job "${source.job}" is given twice; expected one exposition per job` });
    else out.push(source);
  });
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** Reads every exposition (files and http:// URLs, concurrently); any failure is bad input. */
export async function readExpositions(sources: MetricsSource[]): Promise<Exposition[]> {
  const settled = await Promise.allSettled(sources.map((s) => readExposition(s.job, s.location)));
  const problems = settled.flatMap((r) => (r.status === 'rejected' ? (r.reason instanceof ConfigError ? r.reason.problems : [{ source: 'command line', path: '--metrics', message: String(r.reason) }]) : []));
  if (problems.length) throw new ConfigError(problems);
  return settled.map((r) => (r as PromiseFulfilledResult<Exposition>).value);
}

/** The contract check as one `npm run check` result: its detail has one line per problem. */
export function contractResult(stack: Stack, filesDir: string, expositions: Exposition[]): CheckResult {
  const report = checkContract(stack, filesDir, expositions);
  const against = expositions.map((e) => `${e.job} (${e.source})`).join(', ');
  return {
    name: `metrics contract: ${report.rules} rules and ${report.queries} panel queries against ${against}`,
    ok: report.problems.length === 0,
    detail: report.problems.join('\n') || undefined,
  };
}
