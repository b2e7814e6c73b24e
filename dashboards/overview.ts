/**
 * Overview (seeds: "FoodSave AI Dashboard", the General dashboard; request rate and latency, errors by endpoint,
 * WebSocket connections): is every target up, how much traffic, how many errors, how fast, how big, how many users.
 */
import { metric, jobsWithFamily, probeMetric } from '../src/metrics';
import { probeJobs } from '../src/jobs';
import {
  buildDashboard,
  DashboardDefinition,
  jobsMatcher,
  latencyQueries,
  promql,
  Section,
  statPanel,
  sumRate,
  targetVariables,
  timeseriesPanel,
  upStatPanel,
} from './lib';

const J = 'job=~"$job",instance=~"$instance"';

export const overview: DashboardDefinition = {
  uid: 'stack-overview',
  title: 'Overview',
  folder: 'Application',
  build(stack) {
    const targets = stack.scrapeTargets.map((t) => t.job);
    if (targets.length === 0 || !stack.components.prometheus.enabled) return undefined;
    const http = jobsWithFamily(stack, 'http');
    const ws = jobsWithFamily(stack, 'websocket');
    const requests = metric('http', 'http_requests_total');
    const duration = metric('http', 'http_request_duration_seconds');
    const size = metric('http', 'http_response_size_bytes');

    const sections: Section[] = [
      {
        title: 'Status',
        panels: [
          upStatPanel('Targets up', `up{${J}}`, '{{job}} {{instance}}', {
            width: http.length ? 12 : 24,
            description: 'Whether Prometheus scraped each target of the selected jobs successfully.',
          }),
          ...(http.length
            ? [
                statPanel('Current request rate', [promql(sumRate(`${requests}{${J}}`), 'requests/s', { instant: true })], {
                  unit: 'reqps',
                  description: 'HTTP requests per second, all selected jobs.',
                }),
                statPanel('Current active users', [promql(`sum(${metric('http', 'active_users')}{${J}})`, 'users', { instant: true })], {
                  unit: 'short',
                  description: 'Users currently active (the active_users gauge).',
                }),
              ]
            : []),
        ],
      },
      {
        title: 'HTTP',
        panels: http.length
          ? [
              timeseriesPanel('Request rate by status', [promql(sumRate(`${requests}{${J}}`, ['job', 'status']), '{{job}} {{status}}')], {
                unit: 'reqps',
                description: 'HTTP requests per second by job and status code.',
              }),
              timeseriesPanel(
                'Error ratio',
                [
                  promql(`${sumRate(`${requests}{${J},status=~"5.."}`, ['job'])} / ${sumRate(`${requests}{${J}}`, ['job'])}`, '{{job}} 5xx'),
                  promql(`${sumRate(`${requests}{${J},status=~"4.."}`, ['job'])} / ${sumRate(`${requests}{${J}}`, ['job'])}`, '{{job}} 4xx'),
                ],
                { unit: 'percentunit', min: 0, description: 'Share of requests answered with 5xx (alert above 1%) and 4xx (alert above 5%).' },
              ),
              timeseriesPanel('Latency p50 / p95 / p99', latencyQueries(duration, J, ['job'], '{{job}} '), {
                unit: 's',
                description: 'Request duration quantiles from the histogram; dots are exemplars that link to their trace in Jaeger.',
              }),
              timeseriesPanel(
                'Average response size',
                [promql(`${sumRate(`${size}_sum{${J}}`, ['job'])} / ${sumRate(`${size}_count{${J}}`, ['job'])}`, '{{job}}')],
                { unit: 'bytes', description: 'Mean HTTP response body size.' },
              ),
              timeseriesPanel('Errors by endpoint', [promql(sumRate(`${requests}{${J},status=~"[45].."}`, ['endpoint', 'status']), '{{endpoint}} {{status}}')], {
                unit: 'reqps',
                description: '4xx and 5xx responses per second by endpoint.',
              }),
              timeseriesPanel('Active users', [promql(`sum by (job) (${metric('http', 'active_users')}{${J}})`, '{{job}}')], {
                unit: 'short',
                min: 0,
                description: 'Users currently active per job (the active_users gauge).',
              }),
            ]
          : [],
      },
      {
        title: 'WebSocket',
        panels: ws.length
          ? [
              timeseriesPanel('WebSocket connections', [promql(`sum by (job) (${metric('websocket', 'websocket_connections_active')}{${J}})`, '{{job}}')], {
                unit: 'short',
                min: 0,
                description: 'Open WebSocket connections.',
              }),
              timeseriesPanel(
                'WebSocket connection failure ratio',
                [
                  promql(
                    `${sumRate(`${metric('websocket', 'websocket_connection_failures_total')}{${J}}`, ['job'])} / ${sumRate(`${metric('websocket', 'websocket_connection_attempts_total')}{${J}}`, ['job'])}`,
                    '{{job}}',
                  ),
                ],
                { unit: 'percentunit', min: 0, description: 'Share of connection attempts that failed (alert above 10%).' },
              ),
            ]
          : [],
      },
      probesSection(probeJobs(stack).filter((j) => j.probe).map((j) => j.job)),
    ];
    return buildDashboard({
      stack,
      uid: this.uid,
      title: this.title,
      description: `Status, traffic, errors, latency and users of the ${stack.name} stack's targets.`,
      tags: ['overview'],
      variables: targetVariables(targets),
      sections,
    });
  },
};

/**
 * The stack's HTTP probes (blackbox exporter), when it has any: each endpoint up or down, its last HTTP status and
 * how long each probe took. Queried by the probes' own jobs (they are not in the `job` variable's scrape targets).
 */
function probesSection(jobs: string[]): Section {
  const P = jobsMatcher(jobs);
  return {
    title: 'Health probes',
    panels: jobs.length
      ? [
          upStatPanel('Probe status', `${probeMetric('probe_success')}{${P}}`, '{{service}} {{instance}}', {
            width: 12,
            description: 'Whether the last probe of each health endpoint succeeded (ProbeFailed fires after 1 minute DOWN).',
          }),
          statPanel('Probe HTTP status', [promql(`${probeMetric('probe_http_status_code')}{${P}}`, '{{instance}}', { instant: true })], {
            width: 12,
            unit: 'none',
            description: 'The HTTP status code of the last probe response (0: no response).',
          }),
          timeseriesPanel('Probe latency', [promql(`${probeMetric('probe_duration_seconds')}{${P}}`, '{{instance}}')], {
            width: 24,
            unit: 's',
            min: 0,
            description: 'How long each probe took, connection to last byte (probe_duration_seconds).',
          }),
        ]
      : [],
  };
}
