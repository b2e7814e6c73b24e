/**
 * The log collector on the Kubernetes target (issue 13): the grafana/alloy chart as a DaemonSet whose config.alloy
 * reads each log source's pods and parses them like the Docker collectors. The stack is the seed fixture with a
 * kubernetes target and pods named per source (fixture values below); expectations come from that input, from the
 * schema's pinned default, from the Docker Alloy config of the same sources and from the chart's values.yaml keys
 * (test/fixtures/alloy-chart-keys.ts), never from the values under test.
 */
import * as yaml from 'js-yaml';
import { ConfigError } from '../src/errors';
import { validateStack } from '../src/load';
import { DEFAULT_CHART_VERSIONS, Stack, StackInput } from '../src/schema';
import { kubernetesCharts } from '../src/render/kubernetes/charts';
import { ALLOY_VALUES_FILE, helmTplLiteral } from '../src/render/kubernetes/alloy';
import { workloadProblems } from '../src/checks/kubernetes/workloads';
import { renderStack } from '../src/render';
import { synthesize } from '../src/synth';
import { AlloyStatement, AlloyValue, attr, block, call, printAlloy } from '../src/render/alloy-syntax';
import { attrOf, findBlocks, parseAlloy } from './alloy-parser';
import { ALLOY_CHART_KEYS, ALLOY_CHART_TOP_LEVEL_KEYS } from './fixtures/alloy-chart-keys';
import { podsOfJob, seedInput, withPodLogs } from './helpers';
import { logStreamLabels } from '../src/checks/dashboards/log-labels';

const TARGET = { kind: 'kubernetes' as const, namespace: 'observability', release: 'kps' };
/** One source with a container and static labels (one with a "$"), the rest as podsOfJob names them. */
const BACKEND_PODS = { namespace: 'chat', selector: { 'app.kubernetes.io/name': 'backend', tier: 'api' }, container: 'app' };
const BACKEND_LABELS = { team: 'chat', cost: '$5' };

function kubeInput(): StackInput {
  const input = withPodLogs(seedInput());
  const [first, ...rest] = input.logs!.sources!;
  return { ...input, name: 'kube', target: { ...TARGET }, logs: { ...input.logs, sources: [{ ...first, kubernetes: BACKEND_PODS, labels: BACKEND_LABELS }, ...rest] } };
}
const kubeStack = (input = kubeInput()) => validateStack(input, 'test/kubernetes-logs.test.ts');
const alloyOf = (stack: Stack) => kubernetesCharts(stack).find((c) => c.chart === 'alloy');
const values = (stack = kubeStack()) => alloyOf(stack)!.values as Record<string, any>;
const configOf = (stack = kubeStack()) => parseAlloy(values(stack).alloy.configMap.content);

type Block = Extract<AlloyStatement, { kind: 'block' }>;
const labelled = (tree: AlloyStatement[], name: string, label: string): Block => {
  const found = findBlocks(tree, name).filter((b) => b.label === label);
  if (found.length !== 1) throw new Error(`${found.length} ${name} "${label}" blocks`);
  return found[0];
};
const problemsOf = (input: unknown): string[] => {
  try {
    validateStack(input, 'kube.yaml');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
};

describe('the alloy chart release', () => {
  test('is pinned to the schema default, from the grafana repository, in the target namespace', () => {
    const chart = alloyOf(kubeStack())!;
    expect(chart).toMatchObject({ chart: 'alloy', version: DEFAULT_CHART_VERSIONS.alloy, repo: 'https://grafana.github.io/helm-charts', namespace: TARGET.namespace });
    expect(chart.valuesFile).toBe('helm/alloy.values.yaml');
  });

  test('a version in target.chartVersions wins; an unpinned one is refused at its path', () => {
    const input = kubeInput();
    input.target = { ...TARGET, chartVersions: { alloy: '1.10.1' } };
    expect(alloyOf(kubeStack(input))!.version).toBe('1.10.1');
    input.target = { ...TARGET, chartVersions: { alloy: '^1.11' } };
    expect(problemsOf(input).some((p) => p.startsWith('$.target.chartVersions.alloy:'))).toBe(true);
  });

  test('comes with Loki and log sources: none without Loki or without sources', () => {
    const noLoki = kubeInput();
    noLoki.components = { ...noLoki.components, loki: { enabled: false } };
    expect(alloyOf(kubeStack(noLoki))).toBeUndefined();
    const noSources = kubeInput();
    noSources.logs = { ...noSources.logs, sources: [] };
    expect(alloyOf(kubeStack(noSources))).toBeUndefined();
  });

  test('runs Alloy whatever logs.collector says (the cluster always runs Alloy)', () => {
    for (const collector of ['promtail', 'alloy'] as const) {
      const input = kubeInput();
      input.logs = { ...input.logs, collector };
      expect(alloyOf(kubeStack(input))).toBeDefined();
    }
  });

  test('synth writes its values to helm/alloy.values.yaml', () => {
    const stack = kubeStack();
    const files = synthesize(stack);
    expect(yaml.load(files['helm/alloy.values.yaml'])).toEqual(JSON.parse(JSON.stringify(values(stack))));
  });
});

describe('alloy chart values', () => {
  test('a DaemonSet, non-root, read-only root filesystem, no host log mounts', () => {
    const v = values();
    expect(v.controller.type).toBe('daemonset');
    expect(v.global.podSecurityContext).toMatchObject({ runAsNonRoot: true });
    expect(v.alloy.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(v.alloy.mounts).toMatchObject({ varlog: false, dockercontainers: false });
    expect(JSON.stringify(v)).not.toContain('hostPath');
    // The storage path (positions) is writable: a volume is mounted there.
    const mounted = v.alloy.mounts.extra.map((m: { mountPath: string }) => m.mountPath);
    expect(mounted).toContain(v.alloy.storagePath);
  });

  test('resources come from target.alloy.resources (defaults filled in)', () => {
    const input = kubeInput();
    input.target = { ...TARGET, alloy: { resources: { limits: { memory: '1Gi' } } } };
    const r = values(kubeStack(input)).alloy.resources;
    expect(r.limits.memory).toBe('1Gi');
    for (const key of ['cpu', 'memory']) {
      expect(r.requests[key]).toEqual(expect.any(String));
      expect(r.limits[key]).toEqual(expect.any(String));
    }
  });

  test('check finds requests, limits and a non-root Alloy container; a broken copy fails naming the key', () => {
    expect(workloadProblems(values(), ALLOY_VALUES_FILE)).toEqual([]);
    const broken = JSON.parse(JSON.stringify(values()));
    delete broken.alloy.resources.limits;
    broken.alloy.securityContext = { runAsUser: 0 };
    expect(workloadProblems(broken, ALLOY_VALUES_FILE)).toEqual([
      `${ALLOY_VALUES_FILE}: alloy.resources.limits.cpu: missing; expected a quantity`,
      `${ALLOY_VALUES_FILE}: alloy.resources.limits.memory: missing; expected a quantity`,
      `${ALLOY_VALUES_FILE}: alloy.securityContext.runAsNonRoot: is undefined; expected true`,
    ]);
  });

  test('the stability level admits the components used (all generally available at v1.18.1)', () => {
    expect(values().alloy.stabilityLevel).toBe('generally-available');
  });
});

/** Dotted keys of `values` that are neither a chart key nor below a free-form chart key. */
function unknownKeys(values: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(values).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    if (!prefix && !(ALLOY_CHART_TOP_LEVEL_KEYS as readonly string[]).includes(k)) return [key];
    if (ALLOY_CHART_KEYS.includes(key)) return [];
    const inner = ALLOY_CHART_KEYS.some((c) => c.startsWith(`${key}.`));
    if (inner && v && typeof v === 'object' && !Array.isArray(v)) return unknownKeys(v as Record<string, unknown>, key);
    return inner || !prefix ? [] : [key];
  });
}

describe('every values key is one of the chart (grafana/alloy helm-chart/1.11.1 values.yaml)', () => {
  test('the values we write', () => {
    expect(unknownKeys(values())).toEqual([]);
  });
  test.each([
    [{ alloy: { configmap: { content: '' } } }, 'alloy.configmap'],
    [{ controller: { kind: 'daemonset' } }, 'controller.kind'],
    [{ podSecurityContext: {} }, 'podSecurityContext'],
  ])('an unknown key is reported: %j', (bad, key) => {
    expect(unknownKeys({ ...values(), ...bad })).toContain(key);
  });
});

describe('config.alloy', () => {
  const stack = kubeStack();
  const tree = configOf(stack);
  const docker = (() => {
    const input = withPodLogs(kubeInput());
    const { target: _target, ...dockerInput } = input;
    return parseAlloy(renderStack(validateStack({ ...dockerInput, logs: { ...input.logs, collector: 'alloy' } }, 'docker'))['alloy/config.alloy']);
  })();
  const sources = kubeInput().logs!.sources!;

  test('parses, and has one pipeline per log source', () => {
    expect(findBlocks(tree, 'loki.source.kubernetes').map((b) => b.label).sort()).toEqual(sources.map((s) => s.job).sort());
    expect(findBlocks(tree, 'loki.source.file')).toEqual([]);
    // The comparison below has something to compare: the seed's JSON and regex sources are parsed on Docker.
    expect(findBlocks(docker, 'loki.process').map((b) => b.label)).toEqual(expect.arrayContaining(['backend_logs', 'frontend_logs']));
  });

  test.each(sources.map((s) => [s.job, s] as const))('%s: discovery of its namespace and pod labels, on this node only', (job, source) => {
    const pods = source.kubernetes!;
    const d = labelled(tree, 'discovery.kubernetes', job);
    expect(attrOf(d.body, 'role')).toBe('pod');
    expect(attrOf(findBlocks(d.body, 'namespaces')[0].body, 'names')).toEqual([pods.namespace]);
    const selectors = findBlocks(d.body, 'selectors')[0].body;
    expect(attrOf(selectors, 'role')).toBe('pod');
    const label = String(attrOf(selectors, 'label')).split(',').sort();
    expect(label).toEqual(Object.entries(pods.selector).map(([k, v]) => `${k}=${v}`).sort());
    expect(attrOf(selectors, 'field')).toEqual({ call: 'string.format', args: ['spec.nodeName=%s', { call: 'sys.env', args: ['HOSTNAME'] }] });
  });

  const rules = (job: string) => findBlocks(labelled(tree, 'discovery.relabel', job).body, 'rule').map((r) => Object.fromEntries(r.body.map((a) => [(a as { name: string }).name, (a as { value: AlloyValue }).value])));

  test.each(sources.map((s) => [s.job, s] as const))('%s: relabelled with its job, static labels and the pod labels', (job, source) => {
    const set = Object.fromEntries(rules(job).filter((r) => r.replacement !== undefined).map((r) => [r.target_label, r.replacement]));
    const literal = (v: string) => v.replace(/\$/g, '$$$$');
    expect(set).toEqual(Object.fromEntries(Object.entries({ ...(source.labels ?? {}), job }).map(([k, v]) => [k, literal(v)])));
    const copied = Object.fromEntries(rules(job).filter((r) => r.source_labels && !r.action).map((r) => [r.target_label, r.source_labels]));
    expect(copied).toEqual({ namespace: ['__meta_kubernetes_namespace'], pod: ['__meta_kubernetes_pod_name'], container: ['__meta_kubernetes_pod_container_name'] });
    const source_ = labelled(tree, 'loki.source.kubernetes', job);
    expect(attrOf(source_.body, 'targets')).toEqual({ ref: `discovery.relabel.${job}.output` });
  });

  test('a "$" in a static label is kept literally ("$$" in a relabel replacement)', () => {
    expect(rules('backend_logs').find((r) => r.target_label === 'cost')!.replacement).toBe('$$5');
  });

  test('a source with a container keeps only that container; others keep every container', () => {
    const keep = (job: string) => rules(job).filter((r) => r.action === 'keep');
    expect(keep('backend_logs')).toEqual([{ source_labels: ['__meta_kubernetes_pod_container_name'], regex: BACKEND_PODS.container, action: 'keep' }]);
    expect(keep('frontend_logs')).toEqual([]);
  });

  test.each(sources.map((s) => [s.job] as const))('%s: the same loki.process stages as the Docker Alloy config', (job) => {
    const mine = findBlocks(tree, 'loki.process').filter((b) => b.label === job);
    const theirs = findBlocks(docker, 'loki.process').filter((b) => b.label === job);
    expect(mine).toEqual(theirs);
    const forward = attrOf(labelled(tree, 'loki.source.kubernetes', job).body, 'forward_to');
    expect(forward).toEqual([{ ref: theirs.length ? `loki.process.${job}.receiver` : 'loki.write.default.receiver' }]);
  });

  test('loki.write pushes to the Loki release Service in the target namespace', () => {
    const loki = kubernetesCharts(stack).find((c) => c.chart === 'loki')!;
    const [write] = findBlocks(tree, 'loki.write');
    expect(attrOf(findBlocks(write.body, 'endpoint')[0].body, 'url')).toBe(`http://${loki.name}.${TARGET.namespace}:3100/loki/api/v1/push`);
  });

  test('logs.dockerDiscovery has no cluster analogue: no Docker discovery in the cluster config', () => {
    const input = kubeInput();
    input.logs = { ...input.logs, dockerDiscovery: true };
    const t = configOf(kubeStack(input));
    expect(findBlocks(t, 'discovery.docker')).toEqual([]);
    expect(findBlocks(t, 'loki.source.docker')).toEqual([]);
  });
});

describe('Helm tpl', () => {
  test('a "{{" in the config reaches Alloy as written (the chart runs the content through tpl)', () => {
    const input = kubeInput();
    input.logs!.sources![0] = { ...input.logs!.sources![0], labels: { note: 'a{{b}}' } };
    const content: string = values(kubeStack(input)).alloy.configMap.content;
    expect(content.replace(/\{\{ "\{\{" \}\}/g, '')).not.toContain('{{');
    // Helm prints `{{ "{{" }}` as `{{`: undone, the config holds the label value as the stack has it.
    expect(content.replace(/\{\{ "\{\{" \}\}/g, '{{')).toContain('replacement = "a{{b}}"');
    expect(helmTplLiteral('a {{ b }} c')).toBe('a {{ "{{" }} b }} c');
  });
});

describe('config: log sources on a kubernetes target', () => {
  test('the fixture with pods named per source validates', () => {
    expect(problemsOf(kubeInput())).toEqual([]);
  });

  test('a log source without a kubernetes block is refused at its path, saying what is expected', () => {
    const input = kubeInput();
    const { kubernetes: _k, ...bare } = input.logs!.sources![1];
    input.logs!.sources![1] = bare;
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\$\.logs\.sources\[1\]\.kubernetes: missing: .*expected \{ namespace: .*selector: .*container\?/);
  });

  test('a Docker stack needs none; a cluster without Loki needs none', () => {
    expect(problemsOf(seedInput())).toEqual([]);
    const noLoki = { ...seedInput(), target: { ...TARGET } } as StackInput;
    noLoki.components = { ...noLoki.components, loki: { enabled: false } };
    expect(problemsOf(noLoki)).toEqual([]);
  });

  test.each([
    [{ namespace: 'Chat', selector: {} }, '$.logs.sources[0].kubernetes.namespace'],
    [{ namespace: 'chat', selector: { 'app kubernetes': 'x' } }, '$.logs.sources[0].kubernetes.selector'],
    [{ namespace: 'chat', selector: { app: 'a b' } }, '$.logs.sources[0].kubernetes.selector.app'],
    [{ namespace: 'chat', selector: {}, container: 'App_1' }, '$.logs.sources[0].kubernetes.container'],
    [{ selector: {} }, '$.logs.sources[0].kubernetes.namespace'],
  ])('bad pods %j are refused at %s', (pods, where) => {
    const input = kubeInput();
    input.logs!.sources![0] = { ...input.logs!.sources![0], kubernetes: pods as never };
    expect(problemsOf(input).some((p) => p.startsWith(where))).toBe(true);
  });

  test('podsOfJob (the fixture helper) names the app of a seed job', () => {
    expect(podsOfJob('redis_logs')).toEqual({ namespace: 'chat', selector: { 'app.kubernetes.io/name': 'redis' } });
  });
});

describe('alloy syntax: function calls', () => {
  test('a call prints and reads back as the same tree', () => {
    const tree: AlloyStatement[] = [block('discovery.kubernetes', 'pods', [attr('field', call('string.format', ['x=%s', call('sys.env', ['HOSTNAME'])]))])];
    const text = printAlloy(tree);
    expect(text).toContain('field = string.format("x=%s", sys.env("HOSTNAME"))');
    expect(parseAlloy(text)).toEqual(tree);
  });
  test('a function name must be a dotted identifier', () => {
    expect(() => call('sys env', [])).toThrow(/not an identifier/);
  });
});

describe('the dashboard checks know the pod labels', () => {
  test('on a cluster every log job carries namespace, pod, container and instance; on Docker none of them', () => {
    const added = ['namespace', 'pod', 'container', 'instance'];
    const kube = logStreamLabels(kubeStack());
    const docker = logStreamLabels(validateStack(seedInput(), 'seed'));
    for (const s of kubeInput().logs!.sources!) {
      expect(added.filter((l) => kube.get(s.job)!.has(l))).toEqual(added);
      expect(added.filter((l) => docker.get(s.job)!.has(l))).toEqual([]);
    }
  });
});
