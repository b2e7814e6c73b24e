/**
 * monitoring.coreos.com objects against the CRDs of the pinned kube-prometheus-stack chart (schema/crds/), not the
 * newer operator the kubernetes-models packages describe. The stack is the seed fixture on a kubernetes target
 * (test/fixtures/, never stacks/*): a ServiceMonitor, a PodMonitor, ScrapeConfigs, Probes and PrometheusRules. Each
 * failing case is a value the cluster's v0.79.2 API server rejects or drops; where the packaged schemas accept it,
 * the test shows that too (the gap this check closes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { validateStack } from '../src/load';
import { writeTree } from '../src/output';
import { kubernetesChecks } from '../src/checks/kubernetes';
import { crdFileOf, crdSchemaCheck, loadPinnedCrds, unknownFields } from '../src/checks/kubernetes/crd-schema';
import { readManifests, ManifestFile } from '../src/checks/kubernetes/manifests';
import { schemaCheck } from '../src/checks/kubernetes/schema';
import { DEFAULT_CHART_VERSIONS, KubernetesTargetConfig, StackInput } from '../src/schema';
import { synthesize } from '../src/synth';
import { seedInput, tmpDir, withPodLogs } from './helpers';

const TARGET = { kind: 'kubernetes' as const, namespace: 'observability', release: 'kps' };

/** The seed stack on a cluster: backend by Service, postgres by pod, the rest static; the seed's probes. */
function kubeInput(target: Record<string, unknown> = TARGET): StackInput {
  const seed = withPodLogs(seedInput());
  const input = { ...seed, name: 'kube', target, components: { ...seed.components, postgresExporter: { enabled: false } } } as StackInput;
  input.scrapeTargets = input.scrapeTargets!.map((t) => {
    if (t.job === 'backend') return { ...t, targets: [], kubernetes: { namespace: 'chat', selector: { 'app.kubernetes.io/name': 'backend' }, port: 'http' } };
    if (t.job === 'postgres') return { ...t, targets: undefined, kubernetes: { discover: 'pod' as const, namespace: 'data', selector: { app: 'pg' }, port: 'metrics' } };
    return t;
  });
  return input;
}

function synthOut(input = kubeInput()) {
  const out = path.join(tmpDir('ms-k8s-crd-'), 'out');
  const stack = validateStack(input, 'test/kubernetes-crds.test.ts');
  writeTree(out, synthesize(stack));
  return { stack, out, manifests: readManifests(path.join(out, 'manifests')) };
}

const PINNED = DEFAULT_CHART_VERSIONS.kubePrometheusStack;
const ofKind = (ms: ManifestFile[], kind: string) => ms.find((m) => m.object.kind === kind)!;
const label = (m: ManifestFile) => `${m.object.kind} "${m.object.metadata.name}"`;
const rewrite = (m: ManifestFile) => fs.writeFileSync(m.abs, yaml.dump(m.object));

describe('the pinned CRD schemas', () => {
  test('the default chart version has a CRD file, generated from that chart tag', () => {
    const crds = loadPinnedCrds(PINNED)!;
    expect(fs.existsSync(crdFileOf(PINNED))).toBe(true);
    expect(crds.tag).toBe(`kube-prometheus-stack-${PINNED}`);
    expect(crds.$comment).toContain(`helm-charts@kube-prometheus-stack-${PINNED}`);
    expect(Object.keys(crds.schemas).sort()).toEqual(
      ['v1/PodMonitor', 'v1/Probe', 'v1/PrometheusRule', 'v1/ServiceMonitor', 'v1alpha1/ScrapeConfig'].map((k) => `monitoring.coreos.com/${k}`),
    );
  });
});

describe('crdSchemaCheck', () => {
  // Rendered per test, not at collection: Stryker counts collection-time code as static (npm run test:mutation).
  let run: ReturnType<typeof synthOut>;
  beforeEach(() => {
    run = synthOut();
  });
  const input = kubeInput();

  test('the synth output of a kubernetes stack passes, every monitoring object of every kind checked', () => {
    const kinds = new Set(run.manifests.filter((m) => m.object.apiVersion.startsWith('monitoring.coreos.com/')).map((m) => m.object.kind));
    // From the input: discovered targets, static targets, probes and rules.
    expect([...kinds].sort()).toEqual(['PodMonitor', 'Probe', 'PrometheusRule', 'ScrapeConfig', 'ServiceMonitor']);
    expect(input.probes!.length).toBeGreaterThan(0);
    const result = crdSchemaCheck(PINNED, run.manifests);
    expect(result.detail).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.name).toContain(`kube-prometheus-stack ${PINNED} (operator v0.79.2`);
  });

  test('an uppercase ServiceMonitor scheme passes the packaged schemas but not the v0.79.2 CRD', async () => {
    const { manifests } = synthOut();
    const sm = ofKind(manifests, 'ServiceMonitor');
    (sm.object.spec as any).endpoints[0].scheme = 'HTTP';
    rewrite(sm);
    expect((await schemaCheck([sm])).ok).toBe(true);
    const result = crdSchemaCheck(PINNED, [sm]);
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(`${sm.file}: ${label(sm)}: spec.endpoints[0].scheme: must be equal to one of the allowed values (http, https)`);
  });

  test('a PodMonitor endpoint field only a newer operator knows (noProxy) is reported as dropped', async () => {
    const { manifests } = synthOut();
    const pm = ofKind(manifests, 'PodMonitor');
    (pm.object.spec as any).podMetricsEndpoints[0].noProxy = 'localhost';
    rewrite(pm);
    expect((await schemaCheck([pm])).ok).toBe(true);
    const result = crdSchemaCheck(PINNED, [pm]);
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(
      `${pm.file}: ${label(pm)}: spec.podMetricsEndpoints[0].noProxy: unknown field (the v0.79.2 CRD has no such field; the API server would drop it)`,
    );
  });

  test('unknown fields are reported at any depth, but not under metadata (ObjectMeta) or a preserve-unknown-fields schema', () => {
    const { manifests } = synthOut();
    const pm = ofKind(manifests, 'PodMonitor');
    (pm.object.spec as any).foo = 1;
    (pm.object.metadata as any).annotations = { anything: 'goes' };
    const result = crdSchemaCheck(PINNED, [pm]);
    expect(result.detail).toBe(`${pm.file}: ${label(pm)}: spec.foo: unknown field (the v0.79.2 CRD has no such field; the API server would drop it)`);
    // None of the five CRDs keeps unknown fields today; a schema that does is honoured.
    const keeps = { type: 'object', properties: { a: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
    expect(unknownFields({ a: { any: 1 }, b: 2 }, keeps, 'spec')).toEqual(['spec.b']);
  });

  test("a Go pattern's inline (?i) flag is honoured (PrometheusRule partial_response_strategy)", () => {
    const { manifests } = synthOut();
    const rule = ofKind(manifests, 'PrometheusRule');
    const group = (rule.object.spec as any).groups[0];
    group.partial_response_strategy = 'WARN';
    expect(crdSchemaCheck(PINNED, [rule]).ok).toBe(true);
    group.partial_response_strategy = 'maybe';
    expect(crdSchemaCheck(PINNED, [rule]).detail).toBe(
      `${rule.file}: ${label(rule)}: spec.groups[0].partial_response_strategy: must match pattern "^(?i)(abort|warn)?$"`,
    );
  });

  test('a PrometheusRule `for` given as a number fails', () => {
    const { manifests } = synthOut();
    const rule = manifests.find((m) => m.object.kind === 'PrometheusRule' && (m.object.spec as any).groups.some((g: any) => g.rules.some((r: any) => r.for)))!;
    const groups = (rule.object.spec as any).groups;
    const g = groups.findIndex((x: any) => x.rules.some((r: any) => r.for));
    const r = groups[g].rules.findIndex((x: any) => x.for);
    groups[g].rules[r].for = 5;
    const result = crdSchemaCheck(PINNED, [rule]);
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(`${rule.file}: ${label(rule)}: spec.groups[${g}].rules[${r}].for: must be string`);
  });

  test('a monitoring.coreos.com kind the CRD file lacks is reported, not skipped', () => {
    const { manifests } = synthOut();
    const sm = ofKind(manifests, 'ServiceMonitor');
    sm.object.apiVersion = 'monitoring.coreos.com/v1alpha1';
    const result = crdSchemaCheck(PINNED, [sm]);
    expect(result.detail).toBe(
      `${sm.file}: ${label(sm)}: apiVersion: kube-prometheus-stack-${PINNED} has no CRD schema for monitoring.coreos.com/v1alpha1/ServiceMonitor`,
    );
  });

  test('an int-or-string field gets one message naming both types', () => {
    const { manifests } = synthOut();
    const sm = ofKind(manifests, 'ServiceMonitor');
    (sm.object.spec as any).endpoints[0].targetPort = true;
    const result = crdSchemaCheck(PINNED, [sm]);
    expect(result.detail).toBe(`${sm.file}: ${label(sm)}: spec.endpoints[0].targetPort: must be integer or string`);
  });
});

describe('a chart version without CRD schemas', () => {
  test('kubernetesChecks reports it by name instead of passing', async () => {
    const version = '99.0.0';
    expect(fs.existsSync(crdFileOf(version))).toBe(false);
    const { stack, out } = synthOut(kubeInput({ ...TARGET, chartVersions: { kubePrometheusStack: version } }));
    expect((stack.target as KubernetesTargetConfig).chartVersions.kubePrometheusStack).toBe(version);
    const results = await kubernetesChecks(stack, path.join(out, 'files'));
    const crd = results.find((r) => r.name.includes('CRDs of kube-prometheus-stack'))!;
    expect(crd.ok).toBe(false);
    expect(crd.detail).toContain(`no CRD schema for chart version ${version}: schema/crds/kube-prometheus-stack-${version}.json is missing`);
    expect(crd.detail).toContain(`have: ${PINNED}`);
  }, 120_000);
});
