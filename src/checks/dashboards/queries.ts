/**
 * Per-query judgements shared by the dashboard checks and the load-time check of config panels: syntax (PromQL on
 * the official lezer grammar, LogQL on Grafana's), metric provenance and shipped log jobs. Messages carry no
 * context; callers prefix the dashboard, panel and query (or the JSON path).
 */
import type { Stack } from '../../schema';
import { parsePromQL, pinnedJobs, Selector } from '../../promql';
import { familyOf, HOST_METRICS } from '../../metrics';
import { EXPORTERS, exporterAddress } from '../../exporters';
import { parseLogQLSelectors } from './logql';
import { substituteVariables } from './variables';

/** The query with its variables replaced by samples, ready to parse. */
export const concreteQuery = (expr: string, samples: Record<string, string>) => substituteVariables(expr, samples);

export function syntaxProblem(expr: string, concrete: string, dsType: string): string | undefined {
  if (dsType === 'prometheus') {
    const errors = parsePromQL(concrete).errors;
    return errors.length ? `PromQL does not parse (${errors.join('; ')}): ${expr}` : undefined;
  }
  if (dsType === 'loki') {
    const errors = parseLogQLSelectors(concrete).errors;
    return errors.length ? `LogQL does not parse (${errors.join('; ')}): ${expr}` : undefined;
  }
  return undefined;
}

/** Metrics a PromQL query reads that no scrape target provides, or not the jobs it selects. */
export function provenanceProblems(selectors: Selector[], provided: Map<string, string[]>, stack: Stack): string[] {
  const out: string[] = [];
  const reported = new Set<string>();
  for (const sel of selectors) {
    const metric = sel.metric;
    if (!metric || reported.has(metric)) continue;
    const jobs = provided.get(metric);
    const family = familyOf(metric, stack);
    const hint = family ? ` (it belongs to the "${family}" family: add "${family}" to a target's ruleSets)` : hostHint(metric);
    const selected = pinnedJobs(sel.matchers);
    if (!jobs) out.push(`queries ${metric}, which no configured scrape target provides${hint}`);
    else if (selected && !selected.some((j) => jobs.includes(j)))
      out.push(`queries ${metric} from job ${selected.join('|')}, which does not provide it (provided by: ${jobs.join(', ')})`);
    else continue;
    reported.add(metric);
  }
  return out;
}

/** A host exporter's metric comes from a job scraping that exporter; anything else is unknown. */
function hostHint(metric: string): string {
  const exporter = (Object.keys(HOST_METRICS) as Array<keyof typeof HOST_METRICS>).find((e) => metric in HOST_METRICS[e]);
  if (!exporter) return ' (not in any metric family of metrics/families.ts)';
  return ` (${EXPORTERS[exporter].title} exports it: enable components.${exporter} and scrape ${exporterAddress(exporter)})`;
}

/** Log jobs a LogQL query's stream selectors pin that no configured log source ships. */
export function logJobProblems(concrete: string, stack: Stack): string[] {
  if (stack.logs.dockerDiscovery) return [];
  const shipped = stack.logs.sources.map((src) => src.job);
  return parseLogQLSelectors(concrete)
    .jobSelections.filter((selected) => !selected.some((j) => shipped.includes(j)))
    .map((selected) => `selects log job ${selected.join('|')}, which no configured log source ships (logs.sources: ${shipped.join(', ') || 'none'})`);
}

/** Every problem of one query on a datasource type: syntax first (nothing else is judged on a broken query). */
export function queryProblems(expr: string, dsType: string, stack: Stack, provided: Map<string, string[]>, samples: Record<string, string> = {}): string[] {
  const concrete = concreteQuery(expr, samples);
  const syntax = syntaxProblem(expr, concrete, dsType);
  if (syntax) return [syntax];
  if (dsType === 'prometheus') return provenanceProblems(parsePromQL(concrete).selectors, provided, stack);
  if (dsType === 'loki') return logJobProblems(concrete, stack);
  return [];
}
