/**
 * How LogQL reads a log source's fields, from its pipeline (src/logs/pipeline.ts): a field the collector made a
 * stream label or structured metadata is there as is (Loki 3 label filters and `by` read structured metadata too:
 * grafana/loki docs/sources/get-started/labels/structured-metadata.md, "Querying structured metadata"); any other
 * mapped field is parsed at query time by the source's own parser, named as in the mapping
 * (`| json path="extra.path"`, `| logfmt path="path"`, `| regexp "<the source's regex>"`). Dashboards build their
 * queries from this, so they follow each source's format and field mapping.
 */
import type { LogSourceConfig } from '../schema';
import { LOG_FORMAT_DEFAULTS, LogLevels } from '../../promtail/pipeline';
import { labelFields, logPipeline, metadataFields, sourceFields } from './pipeline';

/** Where a field of a source's lines is when a query runs, or undefined when the source does not have it. */
export type FieldAccess = 'label' | 'metadata' | 'parsed';

export function fieldAccess(source: LogSourceConfig, field: string): FieldAccess | undefined {
  if (!logPipeline(source).parser || !(field in sourceFields(source))) return undefined;
  if (labelFields(source).includes(field)) return 'label';
  if (metadataFields(source).includes(field)) return 'metadata';
  return 'parsed';
}

export const hasFields = (source: LogSourceConfig, fields: readonly string[]): boolean =>
  fields.every((f) => fieldAccess(source, f) !== undefined);

/**
 * The pipeline stages (each starting with ` | `) that make `fields` readable under their mapped names, then drop
 * lines the parser could not read. Empty when every field is a label or structured metadata.
 */
export function fieldStages(source: LogSourceConfig, fields: readonly string[]): string {
  const parsed = fields.filter((f) => fieldAccess(source, f) === 'parsed');
  if (parsed.length === 0) return '';
  const where = sourceFields(source);
  const params = parsed.map((f) => `${f}=${JSON.stringify(where[f])}`).join(', ');
  const parser =
    source.format === 'plain' ? `regexp ${JSON.stringify(source.regex)}` : source.format === 'logfmt' ? `logfmt ${params}` : `json ${params}`;
  return ` | ${parser} | __error__=""`;
}

/** The source's level values (its own `levels`, else its format's). */
export const levelsOf = (source: LogSourceConfig): LogLevels => source.levels ?? LOG_FORMAT_DEFAULTS[source.format].levels;

/** A case-insensitive RE2 alternation of level values (`(?i)(ERROR|CRITICAL)`). */
export const levelRegex = (values: readonly string[]): string => `(?i)(${[...new Set(values.map((v) => v.toUpperCase()))].join('|')})`;

/** A file type label and the value one panel reads (promtail/sources.ts). */
export interface FileType {
  label: string;
  value: string;
}

/** The sources one query reads: their stream selector, the stages that expose the fields, their error levels. */
export interface LogSelection {
  jobs: string[];
  selector: string;
  stages: string;
  errors: string;
}

/**
 * Groups the sources that have every one of `fields` by how a query reads them, one query per group. A `fileType`
 * keeps one file type of the sources whose pipeline labels it (and files named otherwise: the empty alternative).
 * `$job` narrows each group to the jobs picked on the dashboard; a group that is not every one of `sources` also
 * names its own jobs (two `job` matchers both hold, as in Prometheus).
 */
export function logSelections(sources: LogSourceConfig[], fields: readonly string[], fileType?: FileType): LogSelection[] {
  const groups = new Map<string, string[]>();
  for (const s of sources.filter((x) => hasFields(x, fields))) {
    const typed = fileType && logPipeline(s).fileType ? `${fileType.label}=~"${fileType.value}|"` : '';
    const key = JSON.stringify([fieldStages(s, fields), typed, levelRegex(levelsOf(s).errors)]);
    groups.set(key, [...(groups.get(key) ?? []), s.job]);
  }
  const all = sources.map((s) => s.job);
  return [...groups].map(([key, jobs]) => {
    const [stages, typed, errors] = JSON.parse(key) as string[];
    const own = jobs.length === all.length ? [] : [`job=~"${jobs.join('|')}"`];
    return { jobs, selector: `{${['job=~"$job"', ...own, ...(typed ? [typed] : [])].join(', ')}}`, stages, errors };
  });
}
