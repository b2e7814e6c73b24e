/**
 * The simple scalable roles of the grafana/loki chart (helm-loki-6.29.0 production/helm/loki/values.yaml `read`,
 * `write`, `backend`, `gateway`) from `target.loki.simpleScalable`. write and backend are StatefulSets with a volume
 * (`persistence.{size,storageClass,enableStatefulSetAutoDeletePVC}`); read uses its volume only with
 * `read.legacyReadTarget`, so it gets none. Pure.
 */
import type { Stack } from '../../schema';
import { kubernetesTarget } from './objects';
import type { Values } from './chart-values';

type Role = 'read' | 'write' | 'backend';

const copy = (r: { requests: object; limits: object }) => ({ requests: { ...r.requests }, limits: { ...r.limits } });

export function lokiRoleValues(stack: Stack, role: Role): Values {
  const { loki, storageClass } = kubernetesTarget(stack);
  const r = loki.simpleScalable[role];
  const values: Values = { replicas: r.replicas, resources: copy(r.resources) };
  if ('storage' in r) {
    // The WAL (write) and the compactor's and ruler's files (backend) outlive the StatefulSet, as Loki's volume does.
    values.persistence = { size: r.storage, ...(storageClass ? { storageClass } : {}), enableStatefulSetAutoDeletePVC: false };
  }
  return values;
}

export function lokiGatewayValues(stack: Stack): Values {
  const g = kubernetesTarget(stack).loki.simpleScalable.gateway;
  return {
    enabled: true,
    replicas: g.replicas,
    resources: copy(g.resources),
    // The chart's own non-root nginx user (gateway.podSecurityContext in values.yaml), stated so `check` sees it.
    podSecurityContext: { runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, fsGroup: 101 },
  };
}
