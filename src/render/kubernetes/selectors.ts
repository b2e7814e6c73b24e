/**
 * The selectors we set on the chart's Prometheus resource (prometheus.prometheusSpec.*Selector in the chart values):
 * explicit, so they do not depend on `*SelectorNilUsesHelmValues` (default true in kube-prometheus-stack-67.8.0
 * values.yaml, which makes the chart render `matchLabels: {release: <release>}` itself). Checked against the labels
 * of our objects by the kubernetes selector check.
 */
import type { Stack } from '../../schema';
import { kubernetesTarget } from './objects';

export interface LabelSelector {
  matchLabels: Record<string, string>;
}

export interface PrometheusSelectors {
  ruleSelector: LabelSelector;
  serviceMonitorSelector: LabelSelector;
  podMonitorSelector: LabelSelector;
  scrapeConfigSelector: LabelSelector;
  probeSelector: LabelSelector;
}

/** Which selector of the Prometheus resource picks up objects of each kind we write. */
export const SELECTOR_OF_KIND: Record<string, keyof PrometheusSelectors> = {
  PrometheusRule: 'ruleSelector',
  ServiceMonitor: 'serviceMonitorSelector',
  PodMonitor: 'podMonitorSelector',
  ScrapeConfig: 'scrapeConfigSelector',
  Probe: 'probeSelector',
};

export function prometheusSelectors(stack: Stack): PrometheusSelectors {
  const byRelease = (): LabelSelector => ({ matchLabels: { release: kubernetesTarget(stack).release } });
  return {
    ruleSelector: byRelease(),
    serviceMonitorSelector: byRelease(),
    podMonitorSelector: byRelease(),
    scrapeConfigSelector: byRelease(),
    probeSelector: byRelease(),
  };
}

/** True when `labels` satisfy `selector` (matchLabels only: the selectors we set use nothing else). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  return Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);
}
