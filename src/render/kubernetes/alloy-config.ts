/**
 * config.alloy of the cluster's log collector: per log source, discovery.kubernetes (its namespace and pod label
 * selector, this node's pods only) → discovery.relabel (its container, the namespace/pod/container labels, its static
 * labels and job) → loki.source.kubernetes (tails through the API server: no hostPath, runs non-root) → loki.process
 * with the stages of the Docker collectors (src/render/alloy.ts alloyStages of src/logs/pipeline.ts) → loki.write to
 * the Loki Service. `logs.dockerDiscovery` has no cluster analogue here (no Docker socket on a node): ignored.
 * Components and arguments per grafana/alloy v1.18.1 docs/sources/reference/components/: discovery/discovery.kubernetes.md
 * (`role`; blocks `namespaces` `names`, `selectors` `role`/`label`/`field`; "Limit to only Pods on the same node":
 * field `spec.nodeName=` + the HOSTNAME the Helm chart sets to the node name), discovery/discovery.relabel.md
 * (`targets`, `rule` blocks, export `output`), loki/loki.source.kubernetes.md (general-availability; `targets`,
 * `forward_to`), loki/loki.process.md, loki/loki.write.md. Pure.
 */
import type { LogSourceConfig, PodLogsConfig, Stack } from '../../schema';
import { logPipeline } from '../../logs/pipeline';
import { alloyLabel, alloyStages } from '../alloy';
import { AlloyBlock, AlloyStatement, AlloyValue, attr, block, call, printAlloy, ref } from '../alloy-syntax';
import { lokiPushAddress } from './loki';

const WRITER = 'default';
const writerReceiver = ref(`loki.write.${WRITER}.receiver`);

/**
 * The chart passes `HOSTNAME` = spec.nodeName to the Alloy container (grafana/alloy helm-chart/1.11.1
 * operations/helm/charts/alloy/templates/containers/_agent.yaml): each DaemonSet pod tails its own node's pods, so
 * no line is shipped twice.
 */
export const NODE_FIELD_SELECTOR = call('string.format', ['spec.nodeName=%s', call('sys.env', ['HOSTNAME'])]);

/**
 * The pod labels a cluster log stream carries besides `job` and the source's static labels (loki.source.kubernetes
 * adds `instance` = `<namespace>/<pod>:<container>` itself: internal/component/loki/source/kubernetes/kubetail/target.go).
 */
export const POD_LABELS = { namespace: '__meta_kubernetes_namespace', pod: '__meta_kubernetes_pod_name', container: '__meta_kubernetes_pod_container_name' } as const;

export function kubernetesAlloyStatements(stack: Stack): AlloyStatement[] {
  return [
    ...stack.logs.sources.flatMap(podSource),
    block('loki.write', WRITER, [block('endpoint', undefined, [attr('url', `http://${lokiPushAddress(stack)}/loki/api/v1/push`)])]),
  ];
}

export function kubernetesAlloyConfig(stack: Stack, header = ''): string {
  return printAlloy(kubernetesAlloyStatements(stack), header);
}

/** The source's pods; a kubernetes stack has the block on every source (config/logs). */
export function podsOf(source: LogSourceConfig): PodLogsConfig {
  if (!source.kubernetes) throw new Error(`log source "${source.job}" has no kubernetes block`);
  return source.kubernetes;
}

/** A Kubernetes label selector string: `k=v,k2=v2` (keys and values are checked by the schema). */
export const labelSelector = (selector: Record<string, string>) =>
  Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

function podSource(source: LogSourceConfig): AlloyBlock[] {
  const label = alloyLabel(source.job);
  const pods = podsOf(source);
  const pipeline = logPipeline(source);
  const selector = labelSelector(pods.selector);
  return [
    block('discovery.kubernetes', label, [
      attr('role', 'pod'),
      block('namespaces', undefined, [attr('names', [pods.namespace])]),
      block('selectors', undefined, [attr('role', 'pod'), ...(selector ? [attr('label', selector)] : []), attr('field', NODE_FIELD_SELECTOR)]),
    ]),
    block('discovery.relabel', label, [attr('targets', ref(`discovery.kubernetes.${label}.targets`)), ...relabelRules(source, pods)]),
    block('loki.source.kubernetes', label, [
      attr('targets', ref(`discovery.relabel.${label}.output`)),
      attr('forward_to', [pipeline.parser ? ref(`loki.process.${label}.receiver`) : writerReceiver]),
    ]),
    ...(pipeline.parser ? [block('loki.process', label, [attr('forward_to', [writerReceiver]), ...alloyStages(pipeline)])] : []),
  ];
}

const rule = (body: Record<string, AlloyValue>) => block('rule', undefined, Object.entries(body).map(([k, v]) => attr(k, v)));
/** A replacement is expanded (`$1`): a literal `$` is written `$$`. */
const literal = (value: string) => value.replace(/\$/g, '$$$$');

function relabelRules(source: LogSourceConfig, pods: PodLogsConfig): AlloyBlock[] {
  const fixed = { ...source.labels, job: source.job };
  return [
    // Container names are DNS labels (schema): no regex metacharacters to escape.
    ...(pods.container ? [rule({ source_labels: [POD_LABELS.container], regex: pods.container, action: 'keep' })] : []),
    ...Object.entries(POD_LABELS).map(([target, meta]) => rule({ source_labels: [meta], target_label: target })),
    ...Object.entries(fixed).map(([target, value]) => rule({ target_label: target, replacement: literal(value) })),
  ];
}
