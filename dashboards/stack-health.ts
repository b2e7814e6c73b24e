/**
 * Stack health: the monitoring stack watching itself. Each component up, scrape duration of every job, rule
 * evaluation failures, Loki ingestion, Promtail shipping and Alertmanager notifications. Panels of a disabled
 * component are left out.
 */
import * as dash from '@grafana/grafana-foundation-sdk/dashboard';
import { componentMetric } from '../src/metrics';
import { enabledComponents, scrapeJobs } from '../src/jobs';
import { buildDashboard, DashboardDefinition, jobsMatcher, PanelSpec, promql, Section, statPanel, sumRate, targetVariables, timeseriesPanel, upStatPanel } from './lib';

export const stackHealth: DashboardDefinition = {
  uid: 'stack-health',
  title: 'Stack health',
  folder: 'Stack',
  build(stack) {
    if (!stack.components.prometheus.enabled) return undefined;
    const components = enabledComponents(stack);
    const on = (c: (typeof components)[number]) => components.includes(c);
    const allJobs = scrapeJobs(stack).map((j) => j.job);
    // The per-job panels follow the job and instance variables; a component's own panels pin its job.
    const J = 'job=~"$job",instance=~"$instance"';

    const sections: Section[] = [
      {
        title: 'Components',
        panels: [
          upStatPanel('Components up', `${componentMetric('prometheus', 'up')}{${jobsMatcher(components)}}`, '{{job}}', {
            width: 24,
            description: 'Whether Prometheus scrapes each stack component.',
          }),
          timeseriesPanel('Scrape duration', [promql(`max by (job) (${componentMetric('prometheus', 'scrape_duration_seconds')}{${J}})`, '{{job}}')], {
            unit: 's',
            description: 'How long the last scrape of each job took (the timeout is the job’s scrape_timeout).',
          }),
          timeseriesPanel('Targets down', [promql(`count by (job) (${componentMetric('prometheus', 'up')}{${J}} == 0)`, '{{job}}')], {
            unit: 'short',
            min: 0,
            description: 'Targets whose last scrape failed.',
          }),
          configReloads(on('alertmanager')),
        ],
      },
      {
        title: 'Prometheus',
        panels: [
          timeseriesPanel(
            'Rule evaluation failures',
            [promql(`sum by (rule_group) (increase(${componentMetric('prometheus', 'prometheus_rule_evaluation_failures_total')}{job="prometheus"}[$__rate_interval]))`, '{{rule_group}}')],
            { unit: 'short', min: 0, description: 'Failed rule evaluations per group (alert: any).' },
          ),
          timeseriesPanel(
            'Rule group evaluation time',
            [promql(`max by (rule_group) (${componentMetric('prometheus', 'prometheus_rule_group_last_duration_seconds')}{job="prometheus"})`, '{{rule_group}}')],
            { unit: 's', description: 'How long the last evaluation of each rule group took (compare with its interval).' },
          ),
        ],
      },
      {
        title: 'Logs pipeline',
        panels: [
          ...(on('loki')
            ? [
                timeseriesPanel(
                  'Loki ingestion',
                  [
                    promql(sumRate(`${componentMetric('loki', 'loki_distributor_lines_received_total')}{job="loki"}`), 'lines/s'),
                  ],
                  { unit: 'short', description: 'Log lines Loki’s distributor receives per second.' },
                ),
                timeseriesPanel('Loki ingestion bytes', [promql(sumRate(`${componentMetric('loki', 'loki_distributor_bytes_received_total')}{job="loki"}`), 'bytes/s')], {
                  unit: 'Bps',
                  description: 'Log bytes Loki’s distributor receives per second.',
                }),
              ]
            : []),
          ...(on('promtail')
            ? [
                timeseriesPanel(
                  'Promtail shipping',
                  [
                    promql(sumRate(`${componentMetric('promtail', 'promtail_sent_entries_total')}{job="promtail"}`), 'sent'),
                    promql(sumRate(`${componentMetric('promtail', 'promtail_dropped_entries_total')}{job="promtail"}`), 'dropped'),
                  ],
                  { unit: 'short', description: 'Entries Promtail sends to Loki and drops after retries, per second.' },
                ),
              ]
            : []),
        ],
      },
      {
        title: 'Alerting',
        panels: on('alertmanager')
          ? [
              timeseriesPanel(
                'Alertmanager notifications',
                [
                  promql(sumRate(`${componentMetric('alertmanager', 'alertmanager_notifications_total')}{job="alertmanager"}`, ['integration']), '{{integration}} sent'),
                  promql(sumRate(`${componentMetric('alertmanager', 'alertmanager_notifications_failed_total')}{job="alertmanager"}`, ['integration']), '{{integration}} failed'),
                ],
                { unit: 'short', description: 'Notifications per second by integration (alert: any failure).' },
              ),
              timeseriesPanel('Active alerts', [promql(`sum by (state) (${componentMetric('alertmanager', 'alertmanager_alerts')}{job="alertmanager"})`, '{{state}}')], {
                unit: 'short',
                min: 0,
                description: 'Alerts Alertmanager holds, by state.',
              }),
            ]
          : [],
      },
    ];
    return buildDashboard({
      uid: this.uid,
      title: this.title,
      description: `The ${stack.name} monitoring stack watching itself.`,
      tags: ['stack'],
      variables: targetVariables(allJobs),
      sections,
    });
  },
};

/** Whether Prometheus' and Alertmanager's last config reload succeeded: OK/FAILED (their ConfigReloadFailed alerts). */
function configReloads(alertmanager: boolean): PanelSpec {
  return statPanel(
    'Config reloads',
    [
      promql(`${componentMetric('prometheus', 'prometheus_config_last_reload_successful')}{job="prometheus"}`, 'prometheus', { instant: true }),
      ...(alertmanager ? [promql(`${componentMetric('alertmanager', 'alertmanager_config_last_reload_successful')}{job="alertmanager"}`, 'alertmanager', { instant: true })] : []),
    ],
    {
      // OK/FAILED through the mappings; the number itself has no unit.
      unit: 'none',
      width: 24,
      height: 3,
      description: 'Whether the last configuration reload succeeded (alert: failed); a failed one keeps the previous config running.',
      mappings: [{ type: dash.MappingType.ValueToText, options: { '0': { text: 'FAILED', color: 'red', index: 0 }, '1': { text: 'OK', color: 'green', index: 1 } } }],
      thresholds: [
        { value: null, color: 'red' },
        { value: 1, color: 'green' },
      ],
    },
  );
}
