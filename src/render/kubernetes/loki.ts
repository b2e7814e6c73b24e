/**
 * Loki on the cluster: the grafana/loki chart, configured like the Docker Loki (src/render/loki.ts: the same schema
 * period, retention, structured metadata, compactor), in the mode `target.loki.mode` names:
 *  - single-binary: one replica (`deploymentMode: SingleBinary`) with its own volume;
 *  - simple-scalable: read, write and backend replicas on object storage (`deploymentMode: SimpleScalable`), with
 *    the chart's nginx gateway as the one entry point.
 * Keys at helm-loki-6.29.0 (grafana/loki production/helm/loki/values.yaml): deploymentMode, loki.{auth_enabled,
 * commonConfig, storage, schemaConfig, limits_config, compactor, podSecurityContext, containerSecurityContext},
 * {singleBinary,write,backend}.{replicas,resources,persistence.{size,storageClass,enableStatefulSetAutoDeletePVC}},
 * read.{replicas,resources}, gateway.{enabled,replicas,resources}, {chunksCache,resultsCache,lokiCanary,test}.enabled;
 * test/fixtures/loki-chart-keys.ts lists them. Storage and credentials: ./loki-storage.ts. Pure.
 */
import deepmerge from 'deepmerge';
import type { Stack } from '../../schema';
import { lokiConfig } from '../loki';
import { kubernetesTarget } from './objects';
import type { ChartRelease } from './charts';
import type { Values } from './chart-values';
import { lokiCredentialValues, lokiObjectStore, lokiStorageValues } from './loki-storage';
import { lokiGatewayValues, lokiRoleValues } from './loki-roles';
import { lokiRelease } from './loki-addresses';

export const LOKI_VALUES_FILE = 'helm/loki.values.yaml';
export const LOKI_CHART_REPO = 'https://grafana.github.io/helm-charts';
export { lokiPushAddress, lokiQueryAddress, lokiRelease } from './loki-addresses';

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
    valuesFile: LOKI_VALUES_FILE,
  };
}

function lokiValues(stack: Stack): Values {
  const scalable = kubernetesTarget(stack).loki.mode === 'simple-scalable';
  const off = { enabled: false };
  return {
    deploymentMode: scalable ? 'SimpleScalable' : 'SingleBinary',
    loki: lokiSettings(stack),
    ...(scalable ? simpleScalableValues(stack) : singleBinaryValues(stack)),
    // Memcached caches (8 GiB by default), the canary and the Helm test: not ours to run.
    chunksCache: off,
    resultsCache: off,
    lokiCanary: off,
    test: off,
    // The nginx gateway: the entry point of the scalable roles; one replica needs none.
    gateway: scalable ? lokiGatewayValues(stack) : off,
  };
}

/** `loki.*`: Loki's own settings, from the Docker config, with the store the stack chose. */
function lokiSettings(stack: Stack): Values {
  const t = kubernetesTarget(stack);
  const docker = lokiConfig(stack) as Record<string, any>;
  const store = lokiObjectStore(stack);
  const { working_directory: _dir, ...compactor } = docker.compactor;
  const schemaConfig = { configs: docker.schema_config.configs.map((c: Values) => ({ ...c, object_store: store })) };
  // Each write replica keeps a copy of a stream: at most the chart's default of 3, never more than there are replicas.
  const replication = t.loki.mode === 'simple-scalable' ? Math.min(3, t.loki.simpleScalable.write.replicas) : 1;
  return {
    auth_enabled: false,
    commonConfig: { replication_factor: replication },
    storage: lokiStorageValues(stack),
    schemaConfig,
    limits_config: docker.limits_config,
    compactor: { ...compactor, delete_request_store: store },
    podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
    containerSecurityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
  };
}

function singleBinaryValues(stack: Stack): Values {
  const { loki, storageClass } = kubernetesTarget(stack);
  const own = {
    replicas: 1,
    resources: { requests: { ...loki.resources.requests }, limits: { ...loki.resources.limits } },
    // The log volume outlives the StatefulSet (the chart would delete it with the StatefulSet by default).
    persistence: { enabled: true, size: loki.storage, ...(storageClass ? { storageClass } : {}), enableStatefulSetAutoDeletePVC: false },
  };
  return {
    singleBinary: deepmerge(own, lokiCredentialValues(stack)),
    backend: { replicas: 0 },
    read: { replicas: 0 },
    write: { replicas: 0 },
  };
}

function simpleScalableValues(stack: Stack): Values {
  const credentials = lokiCredentialValues(stack);
  const role = (name: 'read' | 'write' | 'backend') => deepmerge(lokiRoleValues(stack, name), credentials);
  return { singleBinary: { replicas: 0 }, read: role('read'), write: role('write'), backend: role('backend') };
}
