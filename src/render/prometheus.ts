/** prometheus.yml: global settings, self-scrape of every component, the user's targets, rules and Alertmanager. */
import type { Stack } from '../schema';
import { AddressOf, dockerAddress, CONTAINER_PORTS, ScrapeJob, scrapeJobs } from '../jobs';
import { remoteWriteConfig } from './remote-write';

export function prometheusConfig(stack: Stack, ruleFiles: string[], addressOf: AddressOf = dockerAddress): object {
  const p = stack.prometheus;
  return {
    global: {
      scrape_interval: p.scrapeInterval,
      scrape_timeout: p.scrapeTimeout,
      evaluation_interval: p.evaluationInterval,
      external_labels: externalLabels(stack),
    },
    ...(stack.components.alertmanager.enabled
      ? {
          alerting: {
            alertmanagers: [
              { static_configs: [{ targets: [addressOf('alertmanager', CONTAINER_PORTS.alertmanager)] }] },
            ],
          },
        }
      : {}),
    rule_files: ruleFiles,
    scrape_configs: scrapeJobs(stack, addressOf).map(scrapeConfig),
    ...(stack.prometheus.remoteWrite.length ? { remote_write: remoteWriteConfig(stack) } : {}),
  };
}

/** Labels Prometheus adds to every alert and series it sends out; alert templates read them as $externalLabels. */
export function externalLabels(stack: Stack): Record<string, string> {
  return { stack: stack.name, environment: stack.environment, ...stack.prometheus.externalLabels };
}

function scrapeConfig(job: ScrapeJob): object {
  return {
    job_name: job.job,
    ...(job.interval ? { scrape_interval: job.interval } : {}),
    ...(job.timeout ? { scrape_timeout: job.timeout } : {}),
    ...(job.metricsPath !== '/metrics' ? { metrics_path: job.metricsPath } : {}),
    ...(job.scheme !== 'http' ? { scheme: job.scheme } : {}),
    ...(job.probe ? { params: { module: [job.probe.module] } } : {}),
    static_configs: [{ targets: job.targets, labels: sortedLabels(job.labels) }],
    ...(job.probe ? { relabel_configs: probeRelabeling(job.probe.exporter) } : {}),
    ...(job.dropMetrics.length
      ? {
          metric_relabel_configs: [
            { source_labels: ['__name__'], regex: job.dropMetrics.join('|'), action: 'drop' },
          ],
        }
      : {}),
  };
}

/**
 * The blackbox exporter's standard relabeling (its README, "Prometheus Configuration"): the target URL becomes the
 * `target` parameter and the `instance` label, and the scrape goes to the exporter.
 */
export function probeRelabeling(exporter: string): object[] {
  return [
    { source_labels: ['__address__'], target_label: '__param_target' },
    { source_labels: ['__param_target'], target_label: 'instance' },
    { target_label: '__address__', replacement: exporter },
  ];
}

export const sortedLabels = (labels: Record<string, string>) =>
  Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]]));
