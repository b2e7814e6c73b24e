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
import { datasourceValues, kpsFullname } from '../src/render/kubernetes/datasources';
import { seedInput } from './helpers';

const TARGET = { kind: 'kubernetes' as const, namespace: 'observability', release: 'kps' };
const kubeInput = (): StackInput => ({ ...seedInput(), name: 'kube', target: { ...TARGET } });
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
    expect(kpsFullname(release)).toBe(fullname);
  });

  test('a datasource value Helm tpl would execute is refused', () => {
    const stack = kubeStack();
    const bad = { ...stack, prometheus: { ...stack.prometheus, scrapeInterval: '{{ .Release.Name }}' } };
    expect(() => datasourceValues(bad as typeof stack)).toThrow(/tpl/);
  });
});
