/**
 * One monitor object per scrape target, keeping the Docker job name and labels so the alerts' `job` matchers hold
 * on both targets. A target with a `kubernetes` block is discovered in the cluster: a ServiceMonitor over the
 * endpoints of its Services, or a PodMonitor over its pods (monitoring.coreos.com/v1). Any other target is a static
 * address (a Service name, or a host outside the cluster): a ScrapeConfig (v1alpha1) with staticConfigs.
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
    .map((job) => (job.kubernetes ? discoveredMonitor(stack, job) : staticMonitor(stack, job)));
}

const name = (stack: Stack, job: ScrapeJob) => kubeName(stack.name, job.job);

function staticMonitor(stack: Stack, job: ScrapeJob): KubeObject {
  return objectOf(stack, 'monitoring.coreos.com/v1alpha1', 'ScrapeConfig', name(stack, job), {
    spec: {
      jobName: job.job,
      staticConfigs: [{ targets: job.targets, labels: sortedLabels(job.labels) }],
      metricsPath: job.metricsPath,
      scheme: job.scheme.toUpperCase(),
      ...timing(stack, job),
      ...dropped(job),
    },
  });
}

/**
 * Field names per crd-servicemonitors.yaml and crd-podmonitors.yaml of kube-prometheus-stack-67.8.0 (operator
 * v0.79.2; charts/crds/crds/): spec.{namespaceSelector.matchNames, selector.matchLabels, endpoints |
 * podMetricsEndpoints}, endpoint {port, path, scheme (lowercase enum at v0.79.2), interval, scrapeTimeout,
 * relabelings, metricRelabelings}.
 */
function discoveredMonitor(stack: Stack, job: ScrapeJob): KubeObject {
  const k = job.kubernetes!;
  const endpoint = {
    port: k.port,
    path: job.metricsPath,
    scheme: job.scheme,
    ...timing(stack, job),
    // The operator names the job after the Service or pod; our relabelings run after its own, so the Docker job
    // name and the target's labels win.
    relabelings: Object.entries({ ...sortedLabels(job.labels), job: job.job }).map(([label, value]) => ({
      action: 'replace',
      targetLabel: label,
      replacement: value,
    })),
    ...dropped(job),
  };
  const service = k.discover === 'service';
  return objectOf(stack, 'monitoring.coreos.com/v1', service ? 'ServiceMonitor' : 'PodMonitor', name(stack, job), {
    spec: {
      namespaceSelector: { matchNames: [k.namespace] },
      selector: { matchLabels: { ...k.selector } },
      [service ? 'endpoints' : 'podMetricsEndpoints']: [endpoint],
    },
  });
}

function timing(stack: Stack, job: ScrapeJob): Record<string, string> {
  const key = job.kubernetes ? 'interval' : 'scrapeInterval';
  return { [key]: job.interval ?? stack.prometheus.scrapeInterval, ...(job.timeout ? { scrapeTimeout: job.timeout } : {}) };
}

function dropped(job: ScrapeJob): Record<string, unknown> {
  if (!job.dropMetrics.length) return {};
  return { metricRelabelings: [{ sourceLabels: ['__name__'], regex: job.dropMetrics.join('|'), action: 'drop' }] };
}
