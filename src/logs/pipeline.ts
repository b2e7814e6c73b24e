/**
 * A log source's processing, independent of the collector: what is parsed out of each line, which extracted fields
 * become labels, which structured metadata, and where the timestamp comes from. The Promtail and Alloy renderers
 * both render this, so the two collectors cannot drift apart.
 */
import type { LogSourceConfig } from '../schema';
import { LOG_FORMAT_DEFAULTS, TIMESTAMP_FORMATS } from '../../promtail/pipeline';
import { FILE_TYPE_LABEL, FILE_TYPE_PATTERN } from '../../promtail/sources';

export type LogParser =
  | { kind: 'json'; expressions: Record<string, string> }
  | { kind: 'logfmt'; mapping: Record<string, string> }
  | { kind: 'regex'; expression: string };

export interface LogPipeline {
  /**
   * The file type label from the file name (promtail/sources.ts FILE_TYPE_PATTERN), run before the parser. Both
   * collectors put the entry's labels, `filename` among them, into the extracted map before the first stage
   * (grafana/loki v3.6 clients/pkg/logentry/stages/pipeline.go Pipeline.Run; Alloy: loki/loki.process.md, "all
   * stages ... have access to the log entry's label set"), so a regex stage can read it.
   */
  fileType?: { source: 'filename'; expression: string; label: string };
  parser?: LogParser;
  labels: string[];
  metadata: string[];
  timestamp?: { source: string; formats: readonly string[] };
}

/** The extracted field the timestamp stage reads, in every format. */
export const TIMESTAMP_FIELD = 'timestamp';
/** The extracted field that carries the trace id (Loki → Jaeger links). */
export const TRACE_FIELD = 'trace_id';

/** Named groups of an RE2 expression: `(?P<name>…)` (RE2/Go) or `(?<name>…)`. */
export function regexGroups(expression: string): string[] {
  return [...expression.matchAll(/\(\?P?<([a-zA-Z_][a-zA-Z0-9_]*)>/g)].map((m) => m[1]);
}

/** Extracted field → where it is in the line (for `plain`, the regex groups map to themselves). */
export function sourceFields(source: LogSourceConfig): Record<string, string> {
  if (source.format === 'plain') return Object.fromEntries(regexGroups(source.regex ?? '').map((g) => [g, g]));
  return { ...(source.fields ?? LOG_FORMAT_DEFAULTS[source.format].fields) };
}

export function labelFields(source: LogSourceConfig): string[] {
  return [...(source.labelFields ?? defaultsPresent(source, 'labelFields'))];
}

export function metadataFields(source: LogSourceConfig): string[] {
  return [...(source.metadataFields ?? defaultsPresent(source, 'metadataFields'))];
}

/** Default label/metadata fields, kept only where the (possibly user-given) field mapping extracts them. */
function defaultsPresent(source: LogSourceConfig, kind: 'labelFields' | 'metadataFields'): string[] {
  const fields = sourceFields(source);
  return LOG_FORMAT_DEFAULTS[source.format][kind].filter((f) => f in fields);
}

function parserOf(source: LogSourceConfig): LogParser | undefined {
  const fields = sourceFields(source);
  if (source.format === 'plain') return source.regex ? { kind: 'regex', expression: source.regex } : undefined;
  if (source.format === 'logfmt') return { kind: 'logfmt', mapping: fields };
  return { kind: 'json', expressions: fields };
}

export function logPipeline(source: LogSourceConfig): LogPipeline {
  const parser = parserOf(source);
  if (!parser) return { labels: [], metadata: [] };
  const hasTimestamp = TIMESTAMP_FIELD in sourceFields(source);
  return {
    // JSON sources only: the seed layout that repeats events across files (promtail/sources.ts) writes JSON.
    ...(source.format === 'json' ? { fileType: { source: 'filename' as const, expression: FILE_TYPE_PATTERN, label: FILE_TYPE_LABEL } } : {}),
    parser,
    labels: labelFields(source),
    metadata: metadataFields(source),
    ...(hasTimestamp ? { timestamp: { source: TIMESTAMP_FIELD, formats: TIMESTAMP_FORMATS } } : {}),
  };
}

/** The key that holds the trace id in a line of this source (`extra.trace_id` → `trace_id`), if it has one. */
export function traceKey(source: LogSourceConfig): string | undefined {
  if (!logPipeline(source).parser) return undefined;
  const where = sourceFields(source)[TRACE_FIELD];
  return where === undefined ? undefined : (where.split('.').pop() ?? where);
}

/**
 * Every Loki label some pipeline of the stack sets: `job`, the sources' static labels, their label fields, and
 * with Docker discovery `container` and `stream`. LogQL stream selectors may use only these.
 */
export function producedLabels(stack: { logs: { sources: LogSourceConfig[]; dockerDiscovery: boolean } }): string[] {
  const names = new Set<string>(['job']);
  for (const s of stack.logs.sources) {
    Object.keys(s.labels).forEach((l) => names.add(l));
    const p = logPipeline(s);
    p.labels.forEach((l) => names.add(l));
    if (p.fileType) names.add(p.fileType.label);
  }
  if (stack.logs.dockerDiscovery) ['container', 'stream'].forEach((l) => names.add(l));
  return [...names].sort();
}
