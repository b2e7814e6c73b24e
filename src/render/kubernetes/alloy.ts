/**
 * The log collector on the cluster: the grafana/alloy chart as a DaemonSet running ./alloy-config.ts, when Loki is
 * enabled and there are log sources. loki.source.kubernetes reads pod logs through the API server, so the pods run
 * as Alloy's own user with no hostPath and a read-only root filesystem (its storage path, which holds positions.yml,
 * is an emptyDir). Keys at grafana/alloy tag helm-chart/1.11.1 (operations/helm/charts/alloy/values.yaml):
 * crds.create, global.podSecurityContext, controller.{type,volumes.extra}, alloy.{configMap.content,stabilityLevel,
 * storagePath,enableReporting,resources,securityContext,mounts.{varlog,dockercontainers,extra}}, rbac.create,
 * configReloader.resources. Pure.
 */
import type { KubernetesResourcesConfig, Stack } from '../../schema';
import { GENERATED_HEADER } from '../../yaml';
import { kubeName, kubernetesTarget } from './objects';
import type { ChartRelease } from './charts';
import type { Values } from './chart-values';
import { kubernetesAlloyConfig } from './alloy-config';

export const ALLOY_CHART_REPO = 'https://grafana.github.io/helm-charts';
export const alloyRelease = (stack: Stack) => kubeName(stack.name, 'alloy');
export const ALLOY_VALUES_FILE = 'helm/alloy.values.yaml';

/** The alloy user of the grafana/alloy image (v1.18.1 Dockerfile: UID 473, created but not the image default). */
const ALLOY_UID = 473;
/** The chart's default `alloy.storagePath`, mounted from an emptyDir (the root filesystem is read-only). */
const STORAGE_PATH = '/tmp/alloy';

export function alloyChart(stack: Stack): ChartRelease | undefined {
  if (!stack.components.loki.enabled || stack.logs.sources.length === 0) return undefined;
  const t = kubernetesTarget(stack);
  return {
    name: alloyRelease(stack),
    chart: 'alloy',
    version: t.chartVersions.alloy,
    repo: ALLOY_CHART_REPO,
    namespace: t.namespace,
    values: alloyValues(stack),
    valuesFile: ALLOY_VALUES_FILE,
  };
}

/**
 * The chart passes `alloy.configMap.content` through Helm's `tpl` (templates/configmap.yaml), so a `{{` in the
 * config (a regex, a label value) would be read as a template action: it is written as the action printing "{{".
 */
export const helmTplLiteral = (text: string) => text.replace(/\{\{/g, '{{ "{{" }}');

const resources = (r: KubernetesResourcesConfig) => ({ requests: { ...r.requests }, limits: { ...r.limits } });

function alloyValues(stack: Stack): Values {
  const t = kubernetesTarget(stack);
  const user = { runAsNonRoot: true, runAsUser: ALLOY_UID, runAsGroup: ALLOY_UID };
  return {
    // The PodLogs CRD serves loki.source.podlogs, which this config does not use.
    crds: { create: false },
    global: { podSecurityContext: { ...user, fsGroup: ALLOY_UID, seccompProfile: { type: 'RuntimeDefault' } } },
    controller: { type: 'daemonset', volumes: { extra: [{ name: 'data', emptyDir: {} }] } },
    alloy: {
      configMap: { create: true, content: helmTplLiteral(kubernetesAlloyConfig(stack, GENERATED_HEADER(stack.name))) },
      // Every component the config uses is generally available (their docs' `stage` at v1.18.1).
      stabilityLevel: 'generally-available',
      storagePath: STORAGE_PATH,
      // No anonymous usage reports from the cluster to Grafana Labs (the chart's default sends them).
      enableReporting: false,
      resources: resources(t.alloy.resources),
      securityContext: { ...user, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      // No host log directories: logs come through the API server.
      mounts: { varlog: false, dockercontainers: false, extra: [{ name: 'data', mountPath: STORAGE_PATH }] },
    },
    // The chart's ClusterRole includes pods, pods/log and namespaces (get/list/watch) for discovery and tailing.
    rbac: { create: true },
    configReloader: { resources: resources(t.resources.configReloader) },
  };
}
