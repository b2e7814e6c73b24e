/**
 * Promtail pipeline for the seed JSON log format:
 *
 *   { "timestamp": ISO 8601, "level": "INFO|WARNING|ERROR|CRITICAL", "logger": "...", "message": "...",
 *     "extra": { "request_id", "user_id", "path", "method", "status_code", "duration_ms" } }
 *
 * Only low-cardinality fields become Loki labels (job comes from the scrape config; level and logger here).
 * Per-request fields are attached as structured metadata: searchable and shown in Grafana without creating a
 * stream per request, user or path. The line itself stays JSON so LogQL's `| json` works on it.
 */
import { FILE_TYPE_LABEL, FILE_TYPE_PATTERN } from './sources';

/** Fields extracted from each line: name → JMESPath into the JSON document. */
export const JSON_FIELDS = {
  timestamp: 'timestamp',
  level: 'level',
  logger: 'logger',
  message: 'message',
  request_id: 'extra.request_id',
  user_id: 'extra.user_id',
  path: 'extra.path',
  method: 'extra.method',
  status_code: 'extra.status_code',
  duration_ms: 'extra.duration_ms',
} as const;

/** Labels: bounded value sets only. */
export const JSON_LABELS = ['level', 'logger'] as const;

/** High-cardinality fields kept as structured metadata (Loki 3, schema v13), never as labels. */
export const JSON_METADATA = ['request_id', 'user_id', 'path', 'method', 'status_code', 'duration_ms'] as const;

/**
 * Timestamp layouts (Go reference time). Python's `datetime.isoformat()` writes no zone for naive datetimes
 * (read as UTC); the fractional seconds are optional when parsing.
 */
export const TIMESTAMP_FORMATS = ['RFC3339Nano', '2006-01-02T15:04:05Z07:00', '2006-01-02T15:04:05'] as const;

/**
 * The file type label from the file name (FILE_TYPE_PATTERN). Promtail puts the initial labels, `filename` among
 * them, into the extracted map before the first stage (grafana/loki v3.6 clients/pkg/logentry/stages/pipeline.go,
 * Pipeline.Run), so a regex stage can read it; a name that does not match leaves the line without the label.
 */
export function fileTypeStages(): object[] {
  return [{ regex: { source: 'filename', expression: FILE_TYPE_PATTERN } }, { labels: { [FILE_TYPE_LABEL]: FILE_TYPE_LABEL } }];
}

/** `{ name: source }` with the extracted field of the same name as source. */
const keyed = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, n]));

export function jsonPipelineStages(): object[] {
  return [
    { json: { expressions: { ...JSON_FIELDS } } },
    { labels: keyed(JSON_LABELS) },
    { structured_metadata: keyed(JSON_METADATA) },
    {
      timestamp: {
        source: 'timestamp',
        format: TIMESTAMP_FORMATS[0],
        fallback_formats: TIMESTAMP_FORMATS.slice(1),
        location: 'UTC',
        // A line with a broken timestamp keeps the time it was read at rather than being dropped.
        action_on_failure: 'fudge',
      },
    },
  ];
}
