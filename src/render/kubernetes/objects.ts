/**
 * What every Kubernetes object we own carries: the namespace, object names, and the labels the Prometheus
 * resource's selectors match. Pure: no Pulumi, no I/O.
 */
import type { KubernetesTargetConfig, Stack } from '../../schema';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The stack's Kubernetes target; callers only reach here for a kubernetes stack. */
export function kubernetesTarget(stack: Stack): KubernetesTargetConfig {
  if (stack.target.kind !== 'kubernetes') throw new Error(`stack "${stack.name}" has no kubernetes target`);
  return stack.target;
}

/**
 * Labels on every object we own. `release: <release>` is what kube-prometheus-stack's default selectors require
 * (`*SelectorNilUsesHelmValues: true` renders `matchLabels: {release: <release>}`: values.yaml and
 * templates/prometheus/prometheus.yaml at kube-prometheus-stack-67.8.0); without it the operator ignores the object.
 */
export function ownLabels(stack: Stack): Record<string, string> {
  return {
    release: kubernetesTarget(stack).release,
    'app.kubernetes.io/managed-by': 'monitoring-stack',
    'app.kubernetes.io/part-of': stack.name,
  };
}

/** A lowercase RFC 1123 name from any of ours (rule groups, jobs and dashboard uids may hold "_" or capitals). */
export function kubeName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return name.slice(0, 253).replace(/-$/, '');
}

export function objectOf(stack: Stack, apiVersion: string, kind: string, name: string, rest: Record<string, unknown>): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: kubernetesTarget(stack).namespace, labels: ownLabels(stack) },
    ...rest,
  };
}
