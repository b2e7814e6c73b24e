/**
 * The log formats a log source can declare (`logs.sources[].format`), with the fields each extracts by default, the
 * fields that become Loki labels and those kept as structured metadata. A source overrides any of them with its own
 * `fields`, `labelFields` and `metadataFields`. Both collectors (Promtail and Alloy) render the same mapping.
 *
 * The seed JSON format:
 *
 *   { "timestamp": ISO 8601, "level": "INFO|WARNING|ERROR|CRITICAL", "logger": "...", "message": "...",
 *     "extra": { "request_id", "user_id", "trace_id", "path", "method", "status_code", "duration_ms" } }
 *
 * Only low-cardinality fields become Loki labels (job comes from the source; level and logger here).
 * Per-request fields are attached as structured metadata: searchable and shown in Grafana without creating a
 * stream per request, user or path. The line itself is kept as written, so LogQL's `| json` / `| logfmt` work on it.
 */
import type { LogFormat } from '../src/schema';

/** Fields extracted from each seed JSON line: name → JMESPath into the JSON document. */
export const JSON_FIELDS = {
  timestamp: 'timestamp',
  level: 'level',
  logger: 'logger',
  message: 'message',
  request_id: 'extra.request_id',
  user_id: 'extra.user_id',
  trace_id: 'extra.trace_id',
  path: 'extra.path',
  method: 'extra.method',
  status_code: 'extra.status_code',
  duration_ms: 'extra.duration_ms',
} as const;

/** Labels: bounded value sets only. */
export const JSON_LABELS = ['level', 'logger'] as const;

/** High-cardinality fields kept as structured metadata (Loki 3, schema v13), never as labels. */
export const JSON_METADATA = ['request_id', 'user_id', 'trace_id', 'path', 'method', 'status_code', 'duration_ms'] as const;

/**
 * structlog's JSONRenderer: the message is `event`, `level` is lowercase, bound values are top-level keys and
 * `TimeStamper(fmt="iso")` writes `timestamp`.
 */
export const STRUCTLOG_FIELDS = {
  timestamp: 'timestamp',
  level: 'level',
  logger: 'logger',
  message: 'event',
  request_id: 'request_id',
  user_id: 'user_id',
  trace_id: 'trace_id',
} as const;

/** logfmt as written by logrus / Go's slog text handler: `time=… level=info msg="…" request_id=…`. */
export const LOGFMT_FIELDS = {
  timestamp: 'time',
  level: 'level',
  message: 'msg',
  request_id: 'request_id',
  user_id: 'user_id',
  trace_id: 'trace_id',
} as const;

/**
 * The level values a format writes, and those that mean an error. Dashboards match them case-insensitively, so
 * one set serves the seed's `ERROR` and structlog's `error`.
 */
export interface LogLevels {
  all: readonly string[];
  errors: readonly string[];
}

/** Python logging (the seed) and structlog (the same names, lowercase). */
const PYTHON_LEVELS: LogLevels = { all: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'], errors: ['ERROR', 'CRITICAL'] };
/** Go: slog writes DEBUG/INFO/WARN/ERROR, logrus debug/info/warning/error/fatal/panic. */
const GO_LEVELS: LogLevels = { all: ['DEBUG', 'INFO', 'WARN', 'WARNING', 'ERROR', 'FATAL', 'PANIC'], errors: ['ERROR', 'FATAL', 'PANIC'] };

export interface LogFormatDefaults {
  fields: Record<string, string>;
  labelFields: readonly string[];
  metadataFields: readonly string[];
  levels: LogLevels;
}

export const LOG_FORMAT_DEFAULTS: Record<LogFormat, LogFormatDefaults> = {
  json: { fields: JSON_FIELDS, labelFields: JSON_LABELS, metadataFields: JSON_METADATA, levels: PYTHON_LEVELS },
  structlog: { fields: STRUCTLOG_FIELDS, labelFields: ['level', 'logger'], metadataFields: ['request_id', 'user_id', 'trace_id'], levels: PYTHON_LEVELS },
  logfmt: { fields: LOGFMT_FIELDS, labelFields: ['level'], metadataFields: ['request_id', 'user_id', 'trace_id'], levels: GO_LEVELS },
  // Plain lines: nothing extracted unless the source gives a `regex`; then its named groups are the fields.
  plain: { fields: {}, labelFields: [], metadataFields: [], levels: GO_LEVELS },
};

/**
 * Timestamp layouts (Go reference time) for the extracted `timestamp` field. Python's `datetime.isoformat()` writes
 * no zone for naive datetimes (read as UTC); the fractional seconds are optional when parsing.
 */
export const TIMESTAMP_FORMATS = ['RFC3339Nano', '2006-01-02T15:04:05Z07:00', '2006-01-02T15:04:05'] as const;

/**
 * Field names that must never be labels: one stream per distinct value (per request, user, trace…) overwhelms
 * Loki's index. Matched against the whole field name.
 */
export const HIGH_CARDINALITY_FIELD = /(^|_)(id|ids|uuid|guid|ip|email|session|token|trace|span|path|url|uri|query|duration|duration_ms|latency|timestamp|time|ts|message|msg|event)$|^(request|user|trace|span|session)/;
