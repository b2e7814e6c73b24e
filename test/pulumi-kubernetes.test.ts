/**
 * The Kubernetes target's Pulumi program (issue 13) under the mock runtime: the seed fixture with a kubernetes
 * target (never stacks/*). Expectations come from the fixture's input (chart versions, storage class, sizes,
 * resources, secret names) and the pure renderers' lists; each check has a failing fixture beside the passing one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { validateStack } from '../src/load';
import { recordResources, RecordedResource } from '../src/resources';
import { kubernetesCharts } from '../src/render/kubernetes/charts';
import { kubernetesObjects } from '../src/render/kubernetes';
import { kubernetesSecrets } from '../src/render/kubernetes/secrets';
import { kubePrometheusStackValues, CHART_VALUES_FILE } from '../src/render/kubernetes/chart-values';
import { grafanaAdminSecretName, GRAFANA_ADMIN_KEYS } from '../src/render/kubernetes/workloads';
import { workloadProblems, WORKLOADS } from '../src/checks/kubernetes/workloads';
import { selectorCheck } from '../src/checks/kubernetes/selectors';
import { prometheusSelectors } from '../src/render/kubernetes/selectors';
import { amtoolConfigCheck } from '../src/checks/kubernetes/amtool';
import { readManifests } from '../src/checks/kubernetes/manifests';
import { findTool } from '../src/check';
import { renderStack } from '../src/render';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { DEFAULT_CHART_VERSIONS } from '../src/schema';
import type { StackInput } from '../src/schema';
import { lokiConfig } from '../src/render/loki';
import { grafanaDatasources } from '../src/render/grafana';
import { kubePrometheusStackFullname } from '../src/render/kubernetes/datasources';
import { seedInput, tmpDir, withPodLogs } from './helpers';
import * as pulumi from '@pulumi/pulumi';
import { secretLeaks, secretValuesFor, visibleStrings } from './stack-checks';

const TARGET = {
  kind: 'kubernetes' as const,
  namespace: 'observability',
  release: 'kps',
  chartVersions: { kubePrometheusStack: '67.8.0' },
  storageClass: 'fast-ssd',
  storage: { prometheus: '120Gi' },
  resources: { prometheus: { limits: { memory: '6Gi' } } },
};
const input = (): StackInput => ({ ...withPodLogs(seedInput()), name: 'kube', target: JSON.parse(JSON.stringify(TARGET)) });
const stack = validateStack(input(), 'test/pulumi-kubernetes.test.ts');
const secrets = secretValuesFor(stack);

let rs: RecordedResource[];
beforeAll(async () => {
  rs = await recordResources(stack, { config: secrets, secretKeys: Object.keys(secrets) });
});
const ofType = (type: string) => rs.filter((r) => r.type === type);
const isSecretWrapper = (v: any) => !!v && typeof v === 'object' && v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

describe('the Kubernetes program under mocks', () => {
  test('installs each chart the stack lists as one Helm release, pinned to the config\'s version, from its repository', () => {
    const releases = ofType('kubernetes:helm.sh/v3:Release').map((r) => ({ chart: r.inputs.chart, version: r.inputs.version, repo: (r.inputs.repositoryOpts as any).repo, ns: r.inputs.namespace }));
    expect(releases).toContainEqual({ chart: 'kube-prometheus-stack', version: TARGET.chartVersions.kubePrometheusStack, repo: 'https://prometheus-community.github.io/helm-charts', ns: TARGET.namespace });
    expect(releases).toHaveLength(kubernetesCharts(stack).length);
    for (const r of releases) expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(JSON.stringify(rs)).not.toMatch(/"latest"|:latest"/);
  });

  test('creates the namespace (kept on destroy) and one resource per object synth writes, after the releases that bring their CRDs', () => {
    expect(ofType('kubernetes:core/v1:Namespace').map((r) => [r.inputs.metadata, r.options.retainOnDelete])).toEqual([
      [expect.objectContaining({ name: TARGET.namespace }), true],
    ]);
    const releaseNames = ofType('kubernetes:helm.sh/v3:Release').map((r) => r.name);
    for (const o of kubernetesObjects(stack, renderStack(stack))) {
      const r = rs.find((x) => x.name === `${o.kind.toLowerCase()}-${o.metadata.name}`);
      expect([o.kind, o.metadata.name, r?.inputs.metadata]).toEqual([o.kind, o.metadata.name, expect.objectContaining({ name: o.metadata.name, namespace: TARGET.namespace })]);
      expect(r!.options.dependsOn).toEqual(expect.arrayContaining(releaseNames));
    }
  });

  test('each Secret the stack needs holds its keys as a Pulumi secret; the Grafana admin Secret is what the chart reads', () => {
    const secretsIn = ofType('kubernetes:core/v1:Secret');
    for (const spec of kubernetesSecrets(stack)) {
      const r = secretsIn.find((s) => (s.inputs.metadata as any).name === spec.name)!;
      expect(isSecretWrapper(r.inputs.stringData)).toBe(true);
      expect(Object.keys((r.inputs.stringData as any).value).sort()).toEqual([...spec.keys].sort());
    }
    const admin = secretsIn.find((s) => (s.inputs.metadata as any).name === grafanaAdminSecretName(stack))!;
    expect(Object.keys((admin.inputs.stringData as any).value).sort()).toEqual(Object.values(GRAFANA_ADMIN_KEYS).sort());
    const release = ofType('kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === 'kube-prometheus-stack')!;
    expect((release.inputs.values as any).grafana.admin).toEqual({ existingSecret: grafanaAdminSecretName(stack), userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(release.options.dependsOn).toEqual(expect.arrayContaining([admin.name]));
  });

  test('no secret value anywhere in the graph, resources.json, the manifests or the chart values; the chart\'s default password is gone', async () => {
    expect(Object.keys(secrets).length).toBeGreaterThan(1);
    expect(await secretLeaks(stack)).toEqual([]);
    const values = kubePrometheusStackValues(stack) as any;
    expect(values.grafana.adminPassword).toBeNull();
    expect(JSON.stringify(values)).not.toContain('prom-operator');
  });

  test('a secret value planted in a plain input is visible to the leak check (it can fail)', () => {
    const [name, value] = Object.entries(secrets)[0];
    const planted = rs.map((r) => (r.type === 'kubernetes:core/v1:Namespace' ? { ...r, inputs: { ...r.inputs, metadata: { name: value } } } : r));
    expect([name, planted.some((r) => visibleStrings(r.inputs).includes(value))]).toEqual([name, true]);
    expect(rs.some((r) => visibleStrings(r.inputs).includes(value))).toBe(false);
  });
});

describe('chart values: workloads', () => {
  const values = kubePrometheusStackValues(stack) as any;

  test('storage class and sizes come from the config; requests and limits too, defaults where it sets none', () => {
    const claim = values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec;
    expect([claim.storageClassName, claim.resources.requests.storage]).toEqual([TARGET.storageClass, TARGET.storage.prometheus]);
    expect(values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName).toBe(TARGET.storageClass);
    expect(values.prometheus.prometheusSpec.resources.limits.memory).toBe(TARGET.resources.prometheus.limits.memory);
    expect(values.prometheus.prometheusSpec.resources.requests.memory).toBe(stack.target.kind === 'kubernetes' && stack.target.resources.prometheus.requests.memory);
  });

  test('every workload has requests and limits, and the pods we configure run as non-root', () => {
    expect(workloadProblems(values, CHART_VALUES_FILE)).toEqual([]);
  });

  test.each(WORKLOADS.map((w) => [w.path, w.nonRoot]))('%s without limits fails, naming the key', (where, nonRoot) => {
    const broken = JSON.parse(JSON.stringify(values));
    const node = (where as string).split('.').reduce((o: any, k) => o[k], broken);
    delete node.resources.limits;
    if (nonRoot) node.securityContext = { runAsUser: 0 };
    const problems = workloadProblems(broken, CHART_VALUES_FILE);
    expect(problems).toContain(`${CHART_VALUES_FILE}: ${where}.resources.limits.memory: missing; expected a quantity`);
    if (nonRoot) expect(problems).toContain(`${CHART_VALUES_FILE}: ${where}.securityContext.runAsNonRoot: is undefined; expected true`);
  });
});

describe('amtool on the cluster\'s Alertmanager config', () => {
  const amtool = findTool('amtool').path;
  const out = path.join(tmpDir('ms-k8s-am-'), 'out');
  writeTree(out, synthesize(stack));
  const manifests = readManifests(path.join(out, 'manifests'));
  afterAll(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

  test('the config Secret passes amtool check-config', async () => {
    const [result] = await amtoolConfigCheck(manifests, amtool);
    expect([result.name, result.ok, result.detail]).toEqual([expect.stringContaining('stringData.alertmanager.yaml'), true, undefined]);
  });

  test('a route to an undefined receiver fails, naming the object and key', async () => {
    const broken = manifests.map((m) => {
      if (m.object.kind !== 'Secret' || !(m.object.stringData as any)?.['alertmanager.yaml']) return m;
      const config = yaml.load((m.object.stringData as any)['alertmanager.yaml']) as any;
      config.route.receiver = 'nobody';
      return { ...m, object: { ...m.object, stringData: { ...(m.object.stringData as any), 'alertmanager.yaml': yaml.dump(config) } } };
    });
    const [result] = await amtoolConfigCheck(broken, amtool);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/Secret "kube-alertmanager-config" .*: stringData\.alertmanager\.yaml: .*nobody/s);
  });
});

describe('Loki and Grafana datasources on the cluster', () => {
  const docker = validateStack(seedInput(), 'seed');

  test('Loki is a pinned grafana/loki release in SingleBinary mode, configured like the Docker Loki', () => {
    const loki = kubernetesCharts(stack).find((c) => c.chart === 'loki')!;
    expect([loki.version, loki.repo, loki.namespace]).toEqual([DEFAULT_CHART_VERSIONS.loki, 'https://grafana.github.io/helm-charts', TARGET.namespace]);
    const v = loki.values as any;
    const dockerLoki = lokiConfig(docker) as any;
    expect(v.deploymentMode).toBe('SingleBinary');
    expect(v.loki.schemaConfig).toEqual(dockerLoki.schema_config);
    expect(v.loki.limits_config).toEqual(expect.objectContaining({ retention_period: docker.logs.retention, allow_structured_metadata: true }));
    expect(v.singleBinary.persistence).toEqual(expect.objectContaining({ storageClass: TARGET.storageClass, enableStatefulSetAutoDeletePVC: false }));
    expect(Object.keys(v.singleBinary.resources).sort()).toEqual(['limits', 'requests']);
    expect(v.loki.podSecurityContext.runAsNonRoot).toBe(true);
    expect([v.backend.replicas, v.read.replicas, v.write.replicas]).toEqual([0, 0, 0]);
  });

  test('no Loki release when the stack disables Loki', () => {
    const i = input();
    i.components = { ...i.components, loki: { enabled: false }, promtail: { enabled: false } };
    expect(kubernetesCharts(validateStack(i, 'no-loki')).map((c) => c.chart)).toEqual(['kube-prometheus-stack']);
  });

  test('the datasources are the Docker ones (uids, jsonData) for what the cluster runs, with in-cluster addresses; the chart\'s own are off', () => {
    const values = kubePrometheusStackValues(stack) as any;
    expect(values.grafana.sidecar.datasources).toEqual({ defaultDatasourceEnabled: false, alertmanager: { enabled: false } });
    const cluster = values.grafana.additionalDataSources as any[];
    const onDocker = grafanaDatasources(stack);
    expect(cluster.map((d) => [d.uid, d.name, d.type, d.isDefault, d.jsonData])).toEqual(onDocker.map((d) => [d.uid, d.name, d.type, d.isDefault, d.jsonData]));
    expect(cluster.map((d) => d.url)).toEqual([
      `http://kps-kube-prometheus-stack-prometheus.${TARGET.namespace}:9090`,
      `http://kube-loki.${TARGET.namespace}:3100`,
      `http://kube-jaeger.${TARGET.namespace}:16686`,
      `http://kps-kube-prometheus-stack-alertmanager.${TARGET.namespace}:9093`,
    ]);
  });

  test('kube-prometheus-stack service names follow the chart\'s fullname rule', () => {
    expect(kubePrometheusStackFullname('kps')).toBe('kps-kube-prometheus-stack');
    expect(kubePrometheusStackFullname('monitoring')).toBe('monitoring-kube-prometheus');
    expect(kubePrometheusStackFullname('kube-prometheus-stack')).toBe('kube-prometheus-stack');
  });
});

describe('Jaeger on the cluster', () => {
  const objects = kubernetesObjects(stack, renderStack(stack));
  const of = (kind: string) => objects.filter((o) => o.kind === kind && o.metadata.name === `${stack.name}-jaeger`);

  test('the Docker config in a ConfigMap, the pinned image as its user, probes, requests and limits, the badger volume kept', async () => {
    expect((of('ConfigMap')[0] as any).data['config.yaml']).toBe(renderStack(stack)['jaeger/config.yaml'].replace(/^#.*\n/gm, ''));
    const pod = (of('Deployment')[0] as any).spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(`jaegertracing/jaeger:${stack.components.jaeger.version}`);
    expect([pod.securityContext.runAsNonRoot, pod.securityContext.runAsUser]).toEqual([true, 10001]);
    expect(Object.keys(c.resources).sort()).toEqual(['limits', 'requests']);
    expect(c.readinessProbe.httpGet.path).toBe('/status');
    expect(stack.components.jaeger.storage).toBe('badger');
    expect((of('PersistentVolumeClaim')[0] as any).spec.storageClassName).toBe(TARGET.storageClass);
    const pvc = rs.find((r) => r.type === 'kubernetes:core/v1:PersistentVolumeClaim')!;
    expect(pvc.options.retainOnDelete).toBe(true);
  });

  test('the Jaeger datasource points at its Service, and Loki links trace ids to it as on Docker', () => {
    const ds = (kubePrometheusStackValues(stack) as any).grafana.additionalDataSources as any[];
    expect(ds.find((d) => d.uid === 'jaeger').url).toBe(`http://${stack.name}-jaeger.${TARGET.namespace}:16686`);
    const dockerLoki = grafanaDatasources(stack).find((d) => d.uid === 'loki')!;
    expect(ds.find((d) => d.uid === 'loki').jsonData).toEqual(dockerLoki.jsonData);
  });
});

describe('probes on the cluster', () => {
  const objects = kubernetesObjects(stack, renderStack(stack));

  test('one Probe per probe of the config, with its Docker job name, module, target and labels, through the blackbox Service', () => {
    const probes = objects.filter((o) => o.kind === 'Probe') as any[];
    expect(input().probes!.length).toBeGreaterThan(0);
    expect(probes.map((p) => [p.spec.jobName, p.spec.module, p.spec.targets.staticConfig.static])).toEqual(input().probes!.map((p) => [p.name, p.name, [p.url]]));
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === `${stack.name}-blackbox`)!;
    for (const p of probes) expect(p.spec.prober.url).toBe(`${service.metadata.name}.${TARGET.namespace}:${(service as any).spec.ports[0].port}`);
    const modules = yaml.load((objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${stack.name}-blackbox`) as any).data['blackbox.yml']) as any;
    expect(Object.keys(modules.modules)).toEqual(input().probes!.map((p) => p.name));
    expect(yaml.load(renderStack(stack)['blackbox/blackbox.yml'].replace(/^#.*\n/gm, ''))).toEqual(modules);
  });

  test('the Prometheus probe selector picks them; another selector fails the check naming the Probe', () => {
    const values = kubePrometheusStackValues(stack) as any;
    expect(values.prometheus.prometheusSpec.probeSelector).toEqual({ matchLabels: { release: TARGET.release } });
    const manifests = objects.map((object, i) => ({ file: `manifests/${i}.yaml`, object })) as any;
    const selectors = { ...prometheusSelectors(stack) };
    expect(selectorCheck(stack.target as any, selectors, manifests).ok).toBe(true);
    const result = selectorCheck(stack.target as any, { ...selectors, probeSelector: { matchLabels: { release: 'other' } } }, manifests);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(`Probe "${stack.name}-${input().probes![0].name}"`);
    expect(result.detail).toContain('probeSelector');
  });

  test('no probes, no blackbox exporter and no Probe on the cluster', () => {
    const none = validateStack({ ...input(), probes: [] }, 'no-probes');
    expect(kubernetesObjects(none, renderStack(none)).filter((o) => o.kind === 'Probe' || o.metadata.name.endsWith('-blackbox'))).toEqual([]);
  });
});
