/**
 * Chat interactions (seed: "Chat Interactions Dashboard", Loki): activity of the chat backend and frontend from
 * their JSON logs (the seed format: timestamp, level, logger, message, extra{request_id, user_id, path, method,
 * status_code, duration_ms}), parsed with `| json` (nested keys become `extra_path`, `extra_status_code`, …).
 * Built over the configured JSON log sources; left out when there is none or Loki is disabled.
 */
import * as dash from '@grafana/grafana-foundation-sdk/dashboard';
import { barsPanel, buildDashboard, DashboardDefinition, jobVariable, logql, logsPanel, Section, timeseriesPanel } from './lib';

const SEL = '{job=~"$job"}';
const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const count = (by: string, pipeline: string) => `sum by (${by}) (count_over_time(${SEL} | json${pipeline} [$__auto]))`;

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
          barsPanel('Chat interactions by job', [logql(count('job', ' | __error__="" | extra_path=~".*chat.*"'), '{{job}}')], {
            unit: 'short',
            description: 'Requests whose path contains "chat", per job, from the JSON request logs.',
          }),
          barsPanel('Log lines by job and level', [logql(count('job, level', ' | __error__="" | level=~"$level"'), '{{job}} {{level}}')], {
            unit: 'short',
            description: 'Log lines per job and level (the Level variable filters them).',
          }),
          barsPanel('Error lines per job', [logql(count('job', ' | __error__="" | level=~"ERROR|CRITICAL"'), '{{job}}')], {
            unit: 'short',
            description: 'Lines logged at ERROR or CRITICAL.',
          }),
          timeseriesPanel('Server errors by path', [logql(count('job, extra_path', ' | __error__="" | extra_status_code >= 500'), '{{job}} {{extra_path}}')], {
            unit: 'short',
            description: 'Requests logged with a 5xx status code, by path.',
          }),
        ],
      },
      {
        title: 'Logs',
        panels: [
          logsPanel('Error lines', logql(`${SEL} | json | __error__="" | level=~"ERROR|CRITICAL"`, undefined, { maxLines: 500 }), {
            height: 10,
            description: 'The latest ERROR and CRITICAL lines. A line carrying extra.trace_id links to its trace in Jaeger.',
          }),
          logsPanel('Recent logs', logql(`${SEL} | json | __error__="" | level=~"$level"`, undefined, { maxLines: 1000 }), {
            description: 'Every line of the selected jobs and levels. A line carrying extra.trace_id links to its trace in Jaeger.',
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
