/**
 * The Kubernetes target (issue 13): config, the manifests synth writes beside files/, and their checks. The stack is
 * the seed fixture with a kubernetes target (test/fixtures/, never stacks/*); every expectation is derived from that
 * input or from the Docker files of the same synth run, and each check has a failing fixture next to the passing one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError } from '../src/errors';
import { validateStack } from '../src/load';
import { writeTree } from '../src/output';
import { buildDashboards } from '../src/render/dashboards';
import { prometheusSelectors } from '../src/render/kubernetes/selectors';
import { kubernetesChecks } from '../src/checks/kubernetes';
import { readManifests, ManifestFile } from '../src/checks/kubernetes/manifests';
import { schemaCheck } from '../src/checks/kubernetes/schema';
import { selectorCheck } from '../src/checks/kubernetes/selectors';
import { promtoolRulesCheck } from '../src/checks/kubernetes/promtool';
import { findTool } from '../src/check';
import { DEFAULT_CHART_VERSIONS, KubernetesTargetConfig, StackInput } from '../src/schema';
import { synthesize } from '../src/synth';
import { seedInput, tmpDir, withPodLogs } from './helpers';
import { secretLeaks, secretValuesFor } from './stack-checks';

const TARGET = { kind: 'kubernetes' as const, namespace: 'observability', release: 'kps' };
const kubeInput = (): StackInput => ({ ...withPodLogs(seedInput()), name: 'kube', target: { ...TARGET } });
const kubeStack = () => validateStack(kubeInput(), 'test/kubernetes.test.ts');

/** Synth output of the kubernetes fixture in a fresh folder: its manifests and its Docker files. */
function synthOut() {
  const out = path.join(tmpDir('ms-k8s-'), 'out');
  const stack = kubeStack();
  writeTree(out, synthesize(stack));
  const manifests = readManifests(path.join(out, 'manifests'));
  return { stack, out, filesDir: path.join(out, 'files'), manifests };
}
const ofKind = (ms: ManifestFile[], kind: string) => ms.filter((m) => m.object.kind === kind);
const problemsOf = (input: unknown) => {
  try {
    validateStack(input, 'kube.yaml');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
};

describe('config: target', () => {
  test('defaults to docker; a docker stack gets no manifests', () => {
    const stack = validateStack(seedInput(), 'seed');
    expect(stack.target).toEqual({ kind: 'docker' });
    expect(Object.keys(synthesize(stack)).filter((f) => !f.startsWith('files/'))).toEqual([]);
  });

  test('a kubernetes target gets the pinned chart versions, one replica each and the chart defaults off', () => {
    expect(kubeStack().target).toMatchObject({ ...TARGET, chartVersions: DEFAULT_CHART_VERSIONS, replicas: { prometheus: 1, alertmanager: 1 },
      chartDefaults: { rules: false, dashboards: false } });
  });

  test.each([
    [{ kind: 'kubernetes', release: 'kps' }, '$.target.namespace'],
    [{ ...TARGET, namespace: 'Observability' }, '$.target.namespace'],
    [{ ...TARGET, chartVersions: { kubePrometheusStack: 'latest' } }, '$.target.chartVersions.kubePrometheusStack'],
    [{ ...TARGET, replicas: { prometheus: 0 } }, '$.target.replicas.prometheus'],
    [{ ...TARGET, retention: '30 days' }, '$.target.retention'],
    [{ kind: 'nomad' }, '$.target.kind'],
  ])('bad target %j is refused at %s', (target, where) => {
    const problems = problemsOf({ ...seedInput(), target });
    expect(problems.some((p) => p.startsWith(`${where}:`))).toBe(true);
  });
});

describe('manifests', () => {
  // Rendered per test, not at collection: Stryker counts collection-time code as static (npm run test:mutation).
  let run: ReturnType<typeof synthOut>;
  beforeEach(() => {
    run = synthOut();
  });

  test('every object carries the release label and the namespace of the target', () => {
    expect(run.manifests.length).toBeGreaterThan(0);
    for (const m of run.manifests) {
      expect(m.object.metadata.namespace).toBe(TARGET.namespace);
      expect(m.object.metadata.labels.release).toBe(TARGET.release);
    }
  });

  test('PrometheusRule spec.groups equal the Docker rule files, group for group', () => {
    const ruleFiles = fs.readdirSync(path.join(run.filesDir, 'prometheus', 'rules')).sort();
    const rules = ofKind(run.manifests, 'PrometheusRule');
    expect(rules.length).toBe(ruleFiles.length);
    const docker = ruleFiles.flatMap((f) => (yaml.load(fs.readFileSync(path.join(run.filesDir, 'prometheus', 'rules', f), 'utf8')) as any).groups);
    const kube = rules.flatMap((m) => (m.object.spec as any).groups);
    const byName = (gs: any[]) => Object.fromEntries(gs.map((g) => [g.name, g]));
    expect(byName(kube)).toEqual(byName(docker));
  });

  test('every scrape target of the config has a ScrapeConfig with its job, targets and labels', () => {
    const configs = ofKind(run.manifests, 'ScrapeConfig').map((m) => m.object.spec as any);
    for (const t of kubeInput().scrapeTargets!) {
      const spec = configs.find((s) => s.jobName === t.job);
      expect(spec?.staticConfigs).toEqual([{ targets: t.targets, labels: expect.objectContaining(t.labels ?? {}) }]);
    }
    expect(configs.length).toBe(kubeInput().scrapeTargets!.length);
  });

  test('every dashboard is a ConfigMap labelled for the Grafana sidecar, with the same JSON as the Docker file', () => {
    // Dashboard ConfigMaps hold dashboard JSON; others (Jaeger's config) are not the sidecar's.
    const maps = ofKind(run.manifests, 'ConfigMap').filter((m) => Object.keys((m.object as any).data).some((k) => k.endsWith('.json')));
    const dashboards = buildDashboards(run.stack);
    expect(maps.length).toBe(dashboards.length);
    for (const d of dashboards) {
      const map = maps.find((m) => Object.keys((m.object as any).data).includes(`${d.uid}.json`));
      expect(map?.object.metadata.labels.grafana_dashboard).toBe('1');
      expect((map!.object as any).data[`${d.uid}.json`]).toBe(fs.readFileSync(path.join(run.filesDir, d.file), 'utf8'));
    }
  });

  test('the Alertmanager config Secret reads every secret from a file and holds no secret value', async () => {
    const [secret] = ofKind(run.manifests, 'Secret');
    const config = yaml.load((secret.object as any).stringData['alertmanager.yaml']) as any;
    const text = JSON.stringify(config);
    for (const key of ['auth_password', 'api_url', 'routing_key', 'service_key']) expect(text).not.toContain(`"${key}"`);
    expect(text).toContain('_file');
    const all = run.manifests.map((m) => fs.readFileSync(m.abs, 'utf8')).join('\n');
    for (const value of Object.values(secretValuesFor(run.stack))) expect(all).not.toContain(value);
    expect(await secretLeaks(run.stack)).toEqual([]);
  });
});

describe('checks', () => {
  test('pass on the synth output: schemas, promtool on the groups, selectors', async () => {
    const { stack, filesDir } = synthOut();
    const results = await kubernetesChecks(stack, filesDir);
    expect(results.map((r) => r.name).join('\n')).toMatch(/schemas[\s\S]*promtool[\s\S]*selectors[\s\S]*workloads[\s\S]*helm\/alloy\.values\.yaml/);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  test('a `for: 5` (number) in a PrometheusRule fails the schema check, naming the object and the field', async () => {
    const { manifests } = synthOut();
    const rule = ofKind(manifests, 'PrometheusRule').find((m) => (m.object.spec as any).groups[0].rules.some((r: any) => r.alert))!;
    const index = (rule.object.spec as any).groups[0].rules.findIndex((r: any) => r.alert);
    (rule.object.spec as any).groups[0].rules[index].for = 5;
    fs.writeFileSync(rule.abs, yaml.dump(rule.object));
    const result = await schemaCheck(manifests);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(`PrometheusRule "${rule.object.metadata.name}": spec.groups[0].rules[${index}].for: must be string`);
  });

  test('a ScrapeConfig with an unknown scheme fails the schema check naming the field', async () => {
    const { manifests } = synthOut();
    const [sc] = ofKind(manifests, 'ScrapeConfig');
    fs.writeFileSync(sc.abs, yaml.dump({ ...sc.object, spec: { ...(sc.object.spec as object), scheme: 'FTP' } }));
    const result = await schemaCheck([sc]);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(`ScrapeConfig "${sc.object.metadata.name}": spec.scheme:`);
  });

  test('a rule selector that does not match our labels fails, naming the object and the selector', () => {
    const { stack, manifests } = synthOut();
    const target = stack.target as KubernetesTargetConfig;
    expect(selectorCheck(target, prometheusSelectors(stack), manifests).ok).toBe(true);
    const other = { ...prometheusSelectors(stack), ruleSelector: { matchLabels: { release: `${TARGET.release}-other` } } };
    const result = selectorCheck(target, other, manifests);
    expect(result.ok).toBe(false);
    const [rule] = ofKind(manifests, 'PrometheusRule');
    expect(result.detail).toContain(`PrometheusRule "${rule.object.metadata.name}" (${rule.file}): metadata.labels:`);
    expect(result.detail).toContain('ruleSelector');
    expect(result.detail).not.toContain('ScrapeConfig');
  });

  test('an object without the release label, or a dashboard without the sidecar label, fails the selector check', () => {
    const { stack, manifests } = synthOut();
    const [sc] = ofKind(manifests, 'ScrapeConfig');
    const [map] = ofKind(manifests, 'ConfigMap').filter((m) => Object.keys((m.object as any).data).some((k) => k.endsWith('.json')));
    delete sc.object.metadata.labels.release;
    delete map.object.metadata.labels.grafana_dashboard;
    const result = selectorCheck(stack.target as KubernetesTargetConfig, prometheusSelectors(stack), [sc, map]);
    expect(result.detail).toContain(`ScrapeConfig "${sc.object.metadata.name}"`);
    expect(result.detail).toContain(`ConfigMap "${map.object.metadata.name}"`);
  });

  test('promtool fails a PrometheusRule whose group does not parse, naming the object', async () => {
    const { manifests } = synthOut();
    const [rule] = ofKind(manifests, 'PrometheusRule');
    (rule.object.spec as any).groups[0].rules[0].expr = 'sum(rate(';
    const [result] = await promtoolRulesCheck([rule], findTool('promtool').path);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(`PrometheusRule "${rule.object.metadata.name}"`);
  });
});

describe('synth output ownership', () => {
  test('manifests/ is owned like files/: a manifest whose group went disappears, a foreign file stays', () => {
    const out = path.join(tmpDir('ms-k8s-own-'), 'out');
    const stack = kubeStack();
    const first = synthesize(stack);
    writeTree(out, first);
    fs.writeFileSync(path.join(out, 'manifests', 'mine.yaml'), 'kind: Mine\n');
    const [gone] = Object.keys(first).filter((f) => f.startsWith('manifests/prometheusrule-'));
    const second = Object.fromEntries(Object.entries(first).filter(([f]) => f !== gone));
    writeTree(out, second);
    expect(fs.existsSync(path.join(out, gone))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'manifests', 'mine.yaml'), 'utf8')).toBe('kind: Mine\n');
    const listed = JSON.parse(fs.readFileSync(path.join(out, '.monitoring-stack-synth.json'), 'utf8')).files;
    expect(listed).toEqual(Object.keys(second).sort());
  });
});

describe('deploy', () => {
  test('npm run up/preview need a kubeconfig for a kubernetes stack, and name it', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { kubeconfigProblem } = require('../src/target') as typeof import('../src/target');
    const none = { KUBECONFIG: path.join(tmpDir('ms-kubeconfig-'), 'absent') };
    expect(kubeconfigProblem(validateStack(seedInput(), 'seed'), none)).toBeUndefined();
    const problem = kubeconfigProblem(kubeStack(), none);
    expect(problem).toContain(`release "${TARGET.release}"`);
    expect(problem).toContain(none.KUBECONFIG);
    expect(problem).toContain('kubernetes:kubeconfig');
  });
});

describe('chart values', () => {
  test('set the selectors, replicas, retention and chart defaults of the config; the check reads the selectors from them', async () => {
    const input = kubeInput();
    input.target = { ...TARGET, replicas: { prometheus: 2, alertmanager: 3 }, retention: '45d' };
    const stack = validateStack(input, 'kube');
    const out = path.join(tmpDir('ms-k8s-values-'), 'out');
    writeTree(out, synthesize(stack));
    const file = path.join(out, 'helm', 'kube-prometheus-stack.values.yaml');
    const values = yaml.load(fs.readFileSync(file, 'utf8')) as any;
    expect(values.prometheus.prometheusSpec).toMatchObject({ replicas: 2, retention: '45d', ruleSelector: { matchLabels: { release: TARGET.release } } });
    expect(values.alertmanager.alertmanagerSpec.replicas).toBe(3);
    expect(values.defaultRules.create).toBe(false);
    expect(values.grafana.defaultDashboardsEnabled).toBe(false);
    expect((await kubernetesChecks(stack, path.join(out, 'files'))).every((r) => r.ok)).toBe(true);
    values.prometheus.prometheusSpec.ruleSelector = { matchLabels: { release: 'someone-else' } };
    fs.writeFileSync(file, yaml.dump(values));
    const failed = (await kubernetesChecks(stack, path.join(out, 'files'))).filter((r) => !r.ok);
    expect(failed.map((r) => r.detail).join('\n')).toMatch(/PrometheusRule "kube-[a-z-]+" .*: metadata\.labels: .* ruleSelector/);
  });
});
