/**
 * Chat interactions (seed: "Chat Interactions Dashboard", Loki): activity of the chat backend and frontend from
 * their JSON logs (the seed format: timestamp, level, logger, message, extra{request_id, user_id, path, method,
 * status_code, duration_ms}), parsed with `| json` (nested keys become `extra_path`, `extra_status_code`, …).
 * Built over the configured JSON log sources; left out when there is none or Loki is disabled.
 */
import * as dash from '@grafana/grafana-foundation-sdk/dashboard';
import { FILE_TYPE_LABEL, FILE_TYPES } from '../promtail/sources';
import { barsPanel, buildDashboard, DashboardDefinition, jobVariable, logql, logsPanel, Section, timeseriesPanel } from './lib';

/**
 * One file type per panel, so each event counts once (promtail/sources.ts FILE_TYPE_LABEL): events from the app
 * log (errors are repeated in the error log), requests from the access log. The empty alternative keeps the lines
 * of files named otherwise, which carry no file label.
 */
const selector = (fileType: string) => `{job=~"$job", ${FILE_TYPE_LABEL}=~"${fileType}|"}`;
const EVENTS = selector(FILE_TYPES.events);
const REQUESTS = selector(FILE_TYPES.requests);
const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const count = (by: string, sel: string, pipeline: string) => `sum by (${by}) (count_over_time(${sel} | json${pipeline} [$__auto]))`;

export const chatInteractions: DashboardDefinition = {
  uid: 'stack-chat-interactions',
  title: 'Chat interactions',
  folder: 'Logs',
  build(stack) {
    const jobs = stack.logs.sources.filter((s) => s.format === 'json').map((s) => s.job);
    if (jobs.length === 0 || !stack.components.loki.enabled) return undefined;
    const level = new dash.CustomVariableBuilder('level')
      .label('Level')
      .values(LEVELS.join(','))
      .multi(true)
      .includeAll(true)
      .allowCustomValue(false)
      .current({ selected: true, text: ['All'], value: ['$__all'] });

    const sections: Section[] = [
      {
        title: 'Activity',
        panels: [
          barsPanel('Chat interactions by job', [logql(count('job', REQUESTS, ' | __error__="" | extra_path=~".*chat.*"'), '{{job}}')], {
            unit: 'short',
            description: 'Requests whose path contains "chat", per job, from the access logs (one line per request).',
          }),
          barsPanel('Log lines by job and level', [logql(count('job, level', EVENTS, ' | __error__="" | level=~"$level"'), '{{job}} {{level}}')], {
            unit: 'short',
            description: 'Log lines per job and level (the Level variable filters them).',
          }),
          barsPanel('Error lines per job', [logql(count('job', EVENTS, ' | __error__="" | level=~"ERROR|CRITICAL"'), '{{job}}')], {
            unit: 'short',
            description: 'Events logged at ERROR or CRITICAL, from the app logs (the error logs repeat them).',
          }),
          timeseriesPanel('Server errors by path', [logql(count('job, extra_path', REQUESTS, ' | __error__="" | extra_status_code >= 500'), '{{job}} {{extra_path}}')], {
            unit: 'short',
            description: 'Requests logged with a 5xx status code, by path.',
          }),
        ],
      },
      {
        title: 'Logs',
        panels: [
          logsPanel('Error lines', logql(`${EVENTS} | json | __error__="" | level=~"ERROR|CRITICAL"`, undefined, { maxLines: 500 }), {
            height: 10,
            description: 'The latest ERROR and CRITICAL lines. A line carrying extra.trace_id links to its trace in Jaeger.',
          }),
          logsPanel('Recent logs', logql(`${EVENTS} | json | __error__="" | level=~"$level"`, undefined, { maxLines: 1000 }), {
            description: 'Every event (app log) of the selected jobs and levels. A line carrying extra.trace_id links to its trace in Jaeger.',
          }),
        ],
      },
    ];
    return buildDashboard({
      uid: this.uid,
      title: this.title,
      description: `Chat activity of the ${stack.name} stack from the JSON logs in Loki.`,
      tags: ['logs'],
      variables: [jobVariable(jobs), level],
      sections,
      time: { from: 'now-1h', to: 'now' },
    });
  },
};
