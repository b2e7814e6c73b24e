/**
 * Chat interactions (seed: "Chat Interactions Dashboard", Loki): activity of the chat backend and frontend from
 * their logs. Every query follows its source's format and field mapping (src/logs/queries.ts): the seed's JSON
 * (level a label, path and status_code structured metadata) needs no parser at query time; a structlog, logfmt or
 * plain source whose mapping leaves a field in the line gets its own parser stage. Built over the log sources with
 * a parser; left out when there is none or Loki is disabled.
 */
import * as dash from '@grafana/grafana-foundation-sdk/dashboard';
import type { Stack } from '../src/schema';
import { FILE_TYPE_LABEL, FILE_TYPES } from '../promtail/sources';
import { logPipeline } from '../src/logs/pipeline';
import { FileType, hasFields, levelsOf, logSelections, LogSelection } from '../src/logs/queries';
import { barsPanel, buildDashboard, DashboardDefinition, jobVariable, logql, logsPanel, PanelSpec, Query, timeseriesPanel } from './lib';

/**
 * One file type per panel, so each event counts once (promtail/sources.ts FILE_TYPE_LABEL): events from the app
 * log (errors are repeated in the error log), requests from the access log. Sources without the seed's file layout
 * read all their lines.
 */
const EVENTS: FileType = { label: FILE_TYPE_LABEL, value: FILE_TYPES.events };
const REQUESTS: FileType = { label: FILE_TYPE_LABEL, value: FILE_TYPES.requests };

/** The sources the dashboard reads: those whose lines are parsed into fields. */
const readSources = (stack: Stack) => stack.logs.sources.filter((s) => logPipeline(s).parser);

/** One query per group of sources read alike (src/logs/queries.ts), each with its parser stages, if needed. */
function perSource(stack: Stack, fields: string[], fileType: FileType, query: (s: LogSelection) => string, legend?: string) {
  return logSelections(readSources(stack), fields, fileType).map((s) => logql(query(s), legend));
}

/** The Level variable, matched case-insensitively: `ERROR` picks the seed's `ERROR` and structlog's `error`. */
const LEVEL_VAR = '(?i)($level)';
const count = (by: string, s: LogSelection, filter: string) => `sum by (${by}) (count_over_time(${s.selector}${s.stages} | ${filter} [$__auto]))`;

export const chatInteractions: DashboardDefinition = {
  uid: 'stack-chat-interactions',
  title: 'Chat interactions',
  folder: 'Logs',
  build(stack) {
    const read = readSources(stack);
    if (read.length === 0 || !stack.components.loki.enabled) return undefined;
    const levels = read.filter((s) => hasFields(s, ['level'])).flatMap((s) => levelsOf(s).all.map((l) => l.toUpperCase()));
    const level = new dash.CustomVariableBuilder('level')
      .label('Level')
      .values([...new Set(levels)].join(','))
      .multi(true)
      .includeAll(true)
      .allowCustomValue(false)
      .current({ selected: true, text: ['All'], value: ['$__all'] });
    return buildDashboard({
      uid: this.uid,
      title: this.title,
      description: `Chat activity of the ${stack.name} stack from its logs in Loki, read as each log source's format and field mapping say.`,
      tags: ['logs'],
      variables: [jobVariable(read.map((s) => s.job)), level],
      sections: [{ title: 'Activity', panels: activityPanels(stack) }, { title: 'Logs', panels: logPanels(stack) }],
      time: { from: 'now-1h', to: 'now' },
    });
  },
};

/** Only panels some source can feed: a source without a `path` field has no chat interactions to count. */
const fed = (panels: [Query[], () => PanelSpec][]): PanelSpec[] => panels.filter(([q]) => q.length > 0).map(([, panel]) => panel());

function activityPanels(stack: Stack): PanelSpec[] {
  const chat = perSource(stack, ['path'], REQUESTS, (s) => count('job', s, 'path=~".*chat.*"'), '{{job}}');
  const byLevel = perSource(stack, ['level'], EVENTS, (s) => count('job, level', s, `level=~"${LEVEL_VAR}"`), '{{job}} {{level}}');
  const errors = perSource(stack, ['level'], EVENTS, (s) => count('job', s, `level=~"${s.errors}"`), '{{job}}');
  const failed = perSource(stack, ['path', 'status_code'], REQUESTS, (s) => count('job, path', s, 'status_code >= 500'), '{{job}} {{path}}');
  return fed([
    [chat, () => barsPanel('Chat interactions by job', chat, { unit: 'short', description: 'Requests whose path contains "chat", per job, from the access logs (one line per request).' })],
    [byLevel, () => barsPanel('Log lines by job and level', byLevel, { unit: 'short', description: 'Log lines per job and level (the Level variable filters them).' })],
    [errors, () => barsPanel('Error lines per job', errors, { unit: 'short', description: "Events logged at an error level of their source's format, from the app logs (the error logs repeat them)." })],
    [failed, () => timeseriesPanel('Server errors by path', failed, { unit: 'short', description: 'Requests logged with a 5xx status code, by path.' })],
  ]);
}

function logPanels(stack: Stack): PanelSpec[] {
  const errors = perSource(stack, ['level'], EVENTS, (s) => `${s.selector}${s.stages} | level=~"${s.errors}"`).map((q) => ({ ...q, maxLines: 500 }));
  const recent = perSource(stack, ['level'], EVENTS, (s) => `${s.selector}${s.stages} | level=~"${LEVEL_VAR}"`).map((q) => ({ ...q, maxLines: 1000 }));
  const trace = 'A line carrying a trace id links to its trace in Jaeger.';
  return fed([
    [errors, () => logsPanel('Error lines', errors, { height: 10, description: `The latest lines at an error level. ${trace}` })],
    [recent, () => logsPanel('Recent logs', recent, { description: `Every event (app log) of the selected jobs and levels. ${trace}` })],
  ]);
}
