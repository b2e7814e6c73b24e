/**
 * Loki on the cluster: the grafana/loki chart in SingleBinary mode with filesystem storage on a volume, configured
 * like the Docker Loki (src/render/loki.ts: the same schema periods, retention, structured metadata, compactor).
 * Keys at helm-loki-6.29.0 (grafana/loki production/helm/loki/values.yaml): deploymentMode, loki.{auth_enabled,
 * commonConfig, storage.type, schemaConfig, limits_config, compactor, podSecurityContext, containerSecurityContext},
 * singleBinary.{replicas,resources,persistence.{size,storageClass,enableStatefulSetAutoDeletePVC}},
 * {backend,read,write}.replicas, {chunksCache,resultsCache,lokiCanary,test,gateway}.enabled. Pure.
 */
import type { Stack } from '../../schema';
import { lokiConfig } from '../loki';
import { CONTAINER_PORTS } from '../../jobs';
import { kubeName, kubernetesTarget } from './objects';
import type { ChartRelease } from './charts';
import type { Values } from './chart-values';

export const LOKI_CHART_REPO = 'https://grafana.github.io/helm-charts';

/** The release name; it contains "loki", so the chart names its single-binary Service after it (loki.fullname). */
export const lokiRelease = (stack: Stack) => kubeName(stack.name, 'loki');
/** Where Loki answers in the cluster: the single-binary Service on Loki's HTTP port. */
export const lokiServiceAddress = (stack: Stack) => `${lokiRelease(stack)}.${kubernetesTarget(stack).namespace}:${CONTAINER_PORTS.loki}`;

export function lokiChart(stack: Stack): ChartRelease | undefined {
  if (!stack.components.loki.enabled) return undefined;
  const t = kubernetesTarget(stack);
  return {
    name: lokiRelease(stack),
    chart: 'loki',
    version: t.chartVersions.loki,
    repo: LOKI_CHART_REPO,
    namespace: t.namespace,
    values: lokiValues(stack),
    valuesFile: 'helm/loki.values.yaml',
  };
}

function lokiValues(stack: Stack): Values {
  const t = kubernetesTarget(stack);
  const docker = lokiConfig(stack) as Record<string, any>;
  const { working_directory: _dir, ...compactor } = docker.compactor;
  const off = { enabled: false };
  return {
    deploymentMode: 'SingleBinary',
    loki: {
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
      storage: { type: 'filesystem' },
      schemaConfig: docker.schema_config,
      limits_config: docker.limits_config,
      compactor,
      podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
      containerSecurityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
    },
    singleBinary: {
      replicas: 1,
      resources: { requests: { ...t.loki.resources.requests }, limits: { ...t.loki.resources.limits } },
      // The log volume outlives the StatefulSet (the chart would delete it with the StatefulSet by default).
      persistence: { enabled: true, size: t.loki.storage, ...(t.storageClass ? { storageClass: t.storageClass } : {}), enableStatefulSetAutoDeletePVC: false },
    },
    backend: { replicas: 0 },
    read: { replicas: 0 },
    write: { replicas: 0 },
    // Memcached caches (8 GiB by default), the canary, the Helm test and the nginx gateway: not for one replica.
    chunksCache: off,
    resultsCache: off,
    lokiCanary: off,
    test: off,
    gateway: off,
  };
}
