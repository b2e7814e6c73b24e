/**
 * The stack's HTTP probes on the cluster: the blackbox exporter with the Docker renderer's modules
 * (src/render/blackbox.ts) as a Deployment, its Service and ConfigMap, and one Probe (monitoring.coreos.com/v1)
 * per probe, with the Docker job's name, interval, timeout and labels, so ProbeFailed matches on both targets.
 * Probe fields as @kubernetes-models/prometheus-operator monitoring.coreos.com/v1 ProbeSpec, ProberSpec,
 * ProbeTargetStaticConfig type them (jobName, module, interval, scrapeTimeout, prober.{url,path,scheme},
 * targets.staticConfig.{static,labels}). Pure.
 */
import type { Stack } from '../../schema';
import { blackboxConfig } from '../blackbox';
import { sortedLabels } from '../prometheus';
import { toYaml } from '../../yaml';
import { blackboxDeployed, CONTAINER_PORTS, probeTimeout } from '../../jobs';
import { RUNTIME } from '../../containers';
import { KubeObject, kubeName, kubernetesTarget, objectOf, ownLabels } from './objects';

export const blackboxName = (stack: Stack) => kubeName(stack.name, 'blackbox');
const CONFIG_FILE = 'blackbox.yml';

export function probeObjects(stack: Stack): KubeObject[] {
  if (!blackboxDeployed(stack)) return [];
  const name = blackboxName(stack);
  const selector = { 'app.kubernetes.io/name': name };
  const port = CONTAINER_PORTS.blackbox;
  return [
    objectOf(stack, 'v1', 'ConfigMap', name, { data: { [CONFIG_FILE]: toYaml(blackboxConfig(stack)) } }),
    objectOf(stack, 'apps/v1', 'Deployment', name, { spec: { replicas: 1, selector: { matchLabels: selector }, template: podTemplate(stack, selector) } }),
    objectOf(stack, 'v1', 'Service', name, { spec: { selector, ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }] } }),
    ...stack.probes.map((p) =>
      objectOf(stack, 'monitoring.coreos.com/v1', 'Probe', kubeName(stack.name, p.name), {
        spec: {
          jobName: p.name,
          module: p.name,
          interval: p.interval ?? stack.prometheus.scrapeInterval,
          scrapeTimeout: probeTimeout(stack, p),
          prober: { url: `${name}.${kubernetesTarget(stack).namespace}:${port}`, path: '/probe', scheme: 'http' },
          targets: { staticConfig: { static: [p.url], labels: sortedLabels({ service: p.name, ...p.labels }) } },
        },
      }),
    ),
  ];
}

function podTemplate(stack: Stack, selector: Record<string, string>): Record<string, unknown> {
  const r = RUNTIME.blackbox;
  const [uid, gid] = r.user.split(':').map(Number);
  const health = { httpGet: { path: '/-/healthy', port: CONTAINER_PORTS.blackbox } };
  const resources = kubernetesTarget(stack).resources.blackbox;
  return {
    metadata: { labels: { ...ownLabels(stack), ...selector } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'blackbox-exporter',
          image: `${r.image}:${stack.components.blackbox.version}`,
          args: [`--config.file=${r.configDir}/${CONFIG_FILE}`],
          ports: [{ name: 'http', containerPort: CONTAINER_PORTS.blackbox }],
          readinessProbe: health,
          livenessProbe: health,
          resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'config', mountPath: r.configDir, readOnly: true }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: blackboxName(stack) } }],
    },
  };
}
