/**
 * What else runs on the Kubernetes target (issue 13): Grafana datasources in kube-prometheus-stack values. The stack
 * is the seed fixture with a kubernetes target; expectations come from that input and from the Docker datasource
 * renderer of the same stack (same uids and jsonData), never from the values under test.
 */
import { validateStack } from '../src/load';
import { StackInput } from '../src/schema';
import { grafanaDatasources } from '../src/render/grafana';
import { DATASOURCE_UIDS } from '../src/datasources';
import { kubernetesCharts } from '../src/render/kubernetes/charts';
import { datasourceValues, kubePrometheusStackFullname } from '../src/render/kubernetes/datasources';
import * as path from 'node:path';
import { writeTree } from '../src/output';
import { synthesize } from '../src/synth';
import { findTool } from '../src/check';
import { readManifests, ManifestFile } from '../src/checks/kubernetes/manifests';
import { amtoolConfigCheck } from '../src/checks/kubernetes/amtool';
import { ALERTMANAGER_CONFIG_KEY } from '../src/render/kubernetes/alertmanager';
import * as yaml from 'js-yaml';
import { seedInput, tmpDir, withPodLogs } from './helpers';

const TARGET = { kind: 'kubernetes' as const, namespace: 'observability', release: 'kps' };
const kubeInput = (): StackInput => ({ ...withPodLogs(seedInput()), name: 'kube', target: { ...TARGET } });
const kubeStack = () => validateStack(kubeInput(), 'test/kubernetes-stack.test.ts');

type Ds = { uid: string; url: string; jsonData: unknown; isDefault: boolean };
const kpsGrafana = () => {
  const kps = kubernetesCharts(kubeStack()).find((c) => c.chart === 'kube-prometheus-stack');
  if (!kps) throw new Error('no kube-prometheus-stack release');
  return kps.values.grafana as { additionalDataSources: Ds[]; sidecar: { datasources: Record<string, unknown> } };
};

describe('grafana datasources on kubernetes', () => {
  test('the chart default datasources are off, so ours keep their uids and are the only default', () => {
    const { sidecar, additionalDataSources } = kpsGrafana();
    expect(sidecar.datasources).toMatchObject({ defaultDatasourceEnabled: false, alertmanager: { enabled: false } });
    expect(additionalDataSources.filter((d) => d.isDefault).map((d) => d.uid)).toEqual([DATASOURCE_UIDS.prometheus]);
  });

  test('uids and jsonData (correlations) equal the Docker provisioning of the same stack', () => {
    const docker = grafanaDatasources(validateStack(seedInput(), 'seed'));
    const kube = kpsGrafana().additionalDataSources;
    expect(kube.map((d) => d.uid)).toEqual(docker.map((d) => d.uid));
    expect(kube.map((d) => d.jsonData)).toEqual(docker.map((d) => d.jsonData));
  });

  test('URLs are in-cluster Services in the target namespace, the chart ones named after the release', () => {
    const urls = Object.fromEntries(kpsGrafana().additionalDataSources.map((d) => [d.uid, d.url]));
    expect(urls[DATASOURCE_UIDS.prometheus]).toBe(`http://${TARGET.release}-kube-prometheus-stack-prometheus.${TARGET.namespace}:9090`);
    expect(urls[DATASOURCE_UIDS.alertmanager]).toBe(`http://${TARGET.release}-kube-prometheus-stack-alertmanager.${TARGET.namespace}:9093`);
    for (const url of Object.values(urls)) expect(url).toMatch(new RegExp(`^http://[a-z0-9-]+\\.${TARGET.namespace}:\\d+$`));
  });

  test.each([
    ['kps', 'kps-kube-prometheus-stack'],
    ['kube-prometheus-stack', 'kube-prometheus-stack'],
    ['monitoring', 'monitoring-kube-prometheus'],
    ['observability-stack', 'observability-stack-kube-p'],
  ])('the chart fullname of release %s is %s (trunc 26, trailing "-" trimmed)', (release, fullname) => {
    expect(kubePrometheusStackFullname(release)).toBe(fullname);
  });

  test('a datasource value Helm tpl would execute is refused', () => {
    const stack = kubeStack();
    const bad = { ...stack, prometheus: { ...stack.prometheus, scrapeInterval: '{{ .Release.Name }}' } };
    expect(() => datasourceValues(bad as typeof stack)).toThrow(/tpl/);
  });
});

describe('amtool check-config on the Alertmanager config Secret', () => {
  const amtool = findTool('amtool').path;
  const out = path.join(tmpDir('ms-k8s-am-'), 'out');
  writeTree(out, synthesize(kubeStack()));
  const manifests = readManifests(path.join(out, 'manifests'));
  const configSecret = () => manifests.find((m) => m.object.kind === 'Secret' && (m.object.stringData as Record<string, string>)?.[ALERTMANAGER_CONFIG_KEY]);

  test('accepts the synthesized Secret (its *_file paths under /etc/alertmanager/secrets do not exist here)', async () => {
    expect(configSecret()).toBeDefined();
    const results = await amtoolConfigCheck(manifests, amtool);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: true });
    expect(yaml.load((configSecret()!.object.stringData as Record<string, string>)[ALERTMANAGER_CONFIG_KEY])).toHaveProperty('templates');
  });

  test('fails on a route whose receiver is not defined, naming the Secret', async () => {
    const secret = configSecret()!;
    const data = secret.object.stringData as Record<string, string>;
    const config = yaml.load(data[ALERTMANAGER_CONFIG_KEY]) as { route: { receiver: string } };
    config.route.receiver = 'no-such-receiver';
    const broken: ManifestFile = { ...secret, object: { ...secret.object, stringData: { ...data, [ALERTMANAGER_CONFIG_KEY]: yaml.dump(config) } } };
    const [result] = await amtoolConfigCheck([broken], amtool);
    expect(result.ok).toBe(false);
    expect(result.name).toContain(secret.object.metadata.name);
    expect(result.detail).toMatch(/no-such-receiver/);
  });

  test('fails on a template that does not parse', async () => {
    const secret = configSecret()!;
    const data = secret.object.stringData as Record<string, string>;
    const tmpl = Object.keys(data).find((k) => k !== ALERTMANAGER_CONFIG_KEY)!;
    const broken: ManifestFile = { ...secret, object: { ...secret.object, stringData: { ...data, [tmpl]: '{{ define "x" }}{{ .Unclosed ' } } };
    const [result] = await amtoolConfigCheck([broken], amtool);
    expect(result.ok).toBe(false);
  });
});
