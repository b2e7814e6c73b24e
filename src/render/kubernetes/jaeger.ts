/**
 * Jaeger v2 on the cluster: the Docker renderer's config (src/render/jaeger.ts) in a ConfigMap, the same pinned
 * image and user, one replica (badger keeps traces on a volume that one process owns: a PersistentVolumeClaim and
 * the Recreate strategy), a Service for the query UI/API and OTLP. Pure.
 */
import type { Stack } from '../../schema';
import { jaegerConfig } from '../jaeger';
import { toYaml } from '../../yaml';
import { CONTAINER_PORTS, METRICS_PORTS } from '../../jobs';
import { JAEGER_BADGER_DIR, JAEGER_HEALTH_PORT, JAEGER_OTLP_GRPC_PORT, JAEGER_OTLP_HTTP_PORT, RUNTIME } from '../../containers';
import { KubeObject, kubeName, kubernetesTarget, objectOf, ownLabels } from './objects';

export const jaegerName = (stack: Stack) => kubeName(stack.name, 'jaeger');
export const jaegerServiceAddress = (stack: Stack, port: number) => `${jaegerName(stack)}.${kubernetesTarget(stack).namespace}:${port}`;

const PORTS = [
  { name: 'query', port: CONTAINER_PORTS.jaeger },
  { name: 'otlp-grpc', port: JAEGER_OTLP_GRPC_PORT },
  { name: 'otlp-http', port: JAEGER_OTLP_HTTP_PORT },
  { name: 'metrics', port: METRICS_PORTS.jaeger },
];

export function jaegerObjects(stack: Stack): KubeObject[] {
  const j = stack.components.jaeger;
  if (!j.enabled) return [];
  const name = jaegerName(stack);
  const selector = { 'app.kubernetes.io/name': name };
  const badger = j.storage === 'badger';
  return [
    objectOf(stack, 'v1', 'ConfigMap', name, { data: { 'config.yaml': toYaml(jaegerConfig(stack)) } }),
    ...(badger ? [objectOf(stack, 'v1', 'PersistentVolumeClaim', name, { spec: claimSpec(stack) })] : []),
    objectOf(stack, 'apps/v1', 'Deployment', name, {
      spec: { replicas: 1, strategy: { type: 'Recreate' }, selector: { matchLabels: selector }, template: podTemplate(stack, selector, badger) },
    }),
    objectOf(stack, 'v1', 'Service', name, {
      spec: { selector, ports: PORTS.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP' })) },
    }),
  ];
}

function claimSpec(stack: Stack): Record<string, unknown> {
  const t = kubernetesTarget(stack);
  return { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: t.jaeger.storage } }, ...(t.storageClass ? { storageClassName: t.storageClass } : {}) };
}

function podTemplate(stack: Stack, selector: Record<string, string>, badger: boolean): Record<string, unknown> {
  const j = stack.components.jaeger;
  const t = kubernetesTarget(stack);
  const [uid, gid] = RUNTIME.jaeger.user.split(':').map(Number);
  const health = { httpGet: { path: '/status', port: JAEGER_HEALTH_PORT } };
  const mounts = [{ name: 'config', mountPath: RUNTIME.jaeger.configDir, readOnly: true }, ...(badger ? [{ name: 'data', mountPath: JAEGER_BADGER_DIR }] : [])];
  const volumes = [{ name: 'config', configMap: { name: jaegerName(stack) } }, ...(badger ? [{ name: 'data', persistentVolumeClaim: { claimName: jaegerName(stack) } }] : [])];
  return {
    metadata: { labels: { ...ownLabels(stack), ...selector } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'jaeger',
          image: `${RUNTIME.jaeger.image}:${j.version}`,
          args: [`--config=${RUNTIME.jaeger.configDir}/config.yaml`],
          ports: PORTS.map((p) => ({ name: p.name, containerPort: p.port })),
          readinessProbe: health,
          livenessProbe: { ...health, initialDelaySeconds: 30 },
          resources: { requests: { ...t.jaeger.resources.requests }, limits: { ...t.jaeger.resources.limits } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: mounts,
        },
      ],
      volumes,
    },
  };
}
