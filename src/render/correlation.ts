/**
 * Metrics ↔ logs ↔ traces correlation: the datasource `jsonData` fragments that link them in Grafana. Pure; the
 * datasource renderer (src/render/grafana.ts) merges them into the provisioned datasources.
 *
 * The trace id travels as `extra.trace_id` in the seed JSON log line (the OpenTelemetry log-correlation field name,
 * 32 hex digits; `extra.request_id` is the application's own request id and not a trace id), e.g.
 *   {"timestamp": "...", "level": "ERROR", ..., "extra": {"request_id": "r-1", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}}
 * and as the `trace_id` exemplar label on histogram observations.
 *
 * Values are ready for a provisioning file: Grafana expands `$VAR` there, so a literal `$` is written `$$`.
 */
import type { Stack } from '../schema';
import { DATASOURCE_UIDS } from '../datasources';
import { traceKey } from '../logs/pipeline';

/** The JSON key (inside `extra`) and the exemplar label that carry the trace id. */
export const TRACE_ID_FIELD = 'trace_id';

/**
 * Finds the trace id in a log line under any of `keys`: JSON whatever its spacing (`"trace_id":"…"`,
 * `"trace_id": "…"`) or logfmt (`trace_id=…`). One capture group: Grafana links its value.
 */
export function traceIdRegex(keys: readonly string[]): string {
  const k = keys.length === 1 ? keys[0] : `(?:${keys.join('|')})`;
  return `(?:"${k}"\\s*:\\s*"|\\b${k}=)([0-9a-fA-F]{16,32})`;
}

/** The regex for the seed format's key. */
export const TRACE_ID_REGEX = traceIdRegex([TRACE_ID_FIELD]);

/** The keys the stack's log sources carry the trace id under (their field mapping), the seed's key without any. */
function traceKeys(stack: Stack): string[] {
  const keys = [...new Set(stack.logs.sources.map(traceKey).filter((k): k is string => k !== undefined))].sort();
  return keys.length ? keys : [TRACE_ID_FIELD];
}

/** Writes a string for a Grafana provisioning file (`$` → `$$`). */
export const provisioningString = (s: string): string => s.replace(/\$/g, '$$$$');

/** Loki: a derived field turns the trace id of a log line into a link to the trace in Jaeger. */
export function lokiCorrelation(stack: Stack): Record<string, unknown> {
  if (!stack.components.jaeger.enabled) return {};
  return {
    derivedFields: [
      {
        name: 'TraceID',
        matcherType: 'regex',
        matcherRegex: traceIdRegex(traceKeys(stack)),
        datasourceUid: DATASOURCE_UIDS.jaeger,
        url: provisioningString('${__value.raw}'),
        urlDisplayLabel: 'View trace',
      },
    ],
  };
}

/** The LogQL query Jaeger's "logs for this span" runs: the JSON log sources, lines containing the trace id. */
export function traceLogsQuery(stack: Stack): string | undefined {
  // The sources whose mapping extracts a trace id (the seed JSON sources in the dev stack).
  const json = stack.logs.sources.filter((s) => traceKey(s) !== undefined).map((s) => s.job);
  const jobs = json.length ? json : stack.logs.sources.map((s) => s.job);
  if (jobs.length === 0) return undefined;
  const selector = jobs.length === 1 ? `{job="${jobs[0]}"}` : `{job=~"${jobs.join('|')}"}`;
  return `${selector} |= "\${__trace.traceId}"`;
}

/** Jaeger: traces to logs, back to the log lines of the same trace in Loki. */
export function jaegerCorrelation(stack: Stack): Record<string, unknown> {
  if (!stack.components.loki.enabled) return {};
  const query = traceLogsQuery(stack);
  return {
    tracesToLogsV2: {
      datasourceUid: DATASOURCE_UIDS.loki,
      filterByTraceID: true,
      filterBySpanID: false,
      spanStartTimeShift: '-5m',
      spanEndTimeShift: '5m',
      ...(query ? { customQuery: true, query: provisioningString(query) } : {}),
    },
  };
}

/** Prometheus: exemplars whose `trace_id` label links to the trace in Jaeger. */
export function prometheusCorrelation(stack: Stack): Record<string, unknown> {
  if (!stack.components.jaeger.enabled) return {};
  return {
    exemplarTraceIdDestinations: [{ name: TRACE_ID_FIELD, datasourceUid: DATASOURCE_UIDS.jaeger, urlDisplayLabel: 'View trace' }],
  };
}
