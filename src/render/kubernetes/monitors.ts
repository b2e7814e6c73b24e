/**
 * One monitor object per scrape target. Our targets are static addresses (a Service name, or a host outside the
 * cluster), so each becomes a ScrapeConfig (monitoring.coreos.com/v1alpha1) with staticConfigs, keeping the Docker
 * job name (`jobName`) and labels, so the alerts' `job` matchers hold on both targets.
 */
import type { Stack } from '../../schema';
import { scrapeJobs, ScrapeJob } from '../../jobs';
import { sortedLabels } from '../prometheus';
import { KubeObject, kubeName, objectOf } from './objects';

export function scrapeConfigs(stack: Stack): KubeObject[] {
  return scrapeJobs(stack)
    // Probes are Probe objects through the cluster's blackbox exporter (probes.ts): a ScrapeConfig of the probe job
    // would scrape the URL itself.
    .filter((job) => !job.component && !job.probe)
    .map((job) => objectOf(stack, 'monitoring.coreos.com/v1alpha1', 'ScrapeConfig', kubeName(stack.name, job.job), { spec: scrapeSpec(stack, job) }));
}

function scrapeSpec(stack: Stack, job: ScrapeJob): Record<string, unknown> {
  return {
    jobName: job.job,
    staticConfigs: [{ targets: job.targets, labels: sortedLabels(job.labels) }],
    metricsPath: job.metricsPath,
    scheme: job.scheme.toUpperCase(),
    scrapeInterval: job.interval ?? stack.prometheus.scrapeInterval,
    ...(job.timeout ? { scrapeTimeout: job.timeout } : {}),
    ...(job.dropMetrics.length
      ? { metricRelabelings: [{ sourceLabels: ['__name__'], regex: job.dropMetrics.join('|'), action: 'drop' }] }
      : {}),
  };
}
