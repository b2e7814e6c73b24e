/**
 * Scrape targets on a cluster (issue 13): a target with a `kubernetes` block becomes a ServiceMonitor or PodMonitor,
 * any other a ScrapeConfig; each keeps its Docker job name and labels. The stack is the seed fixture with a
 * kubernetes target (test/fixtures/, never stacks/*); expectations come from that input. Each check that passes here
 * has a failing case beside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as yaml from 'js-yaml';
import { ConfigError } from '../src/errors';
import { validateStack } from '../src/load';
import { writeTree } from '../src/output';
import { prometheusSelectors } from '../src/render/kubernetes/selectors';
import { readManifests, ManifestFile } from '../src/checks/kubernetes/manifests';
import { schemaCheck } from '../src/checks/kubernetes/schema';
import { selectorCheck } from '../src/checks/kubernetes/selectors';
import type { KubernetesTargetConfig, StackInput } from '../src/schema';
import { synthesize } from '../src/synth';
import { seedInput, tmpDir, withPodLogs } from './helpers';

const TARGET = { kind: 'kubernetes' as const, namespace: 'observability', release: 'kps' };
const BACKEND = { namespace: 'chat', selector: { 'app.kubernetes.io/name': 'backend' }, port: 'http' };
const POSTGRES = { discover: 'pod' as const, namespace: 'data', selector: { app: 'pg-exporter', tier: 'db' }, port: 'metrics' };

/** The seed stack on a cluster: the backend discovered by Service, postgres by pod, redis static. */
function kubeInput(): StackInput {
  const seed = withPodLogs(seedInput());
  // The PostgreSQL exporter is the cluster's own pod here, not a container of the stack.
  const input = { ...seed, name: 'kube', target: { ...TARGET }, components: { ...seed.components, postgresExporter: { enabled: false } } };
  input.scrapeTargets = input.scrapeTargets!.map((t) => {
    if (t.job === 'backend') return { ...t, targets: [], kubernetes: BACKEND };
    if (t.job === 'postgres') return { ...t, targets: undefined, kubernetes: POSTGRES };
    return t;
  });
  return input;
}

function synthOut(input = kubeInput()) {
  const out = path.join(tmpDir('ms-k8s-mon-'), 'out');
  const stack = validateStack(input, 'test/kubernetes-monitors.test.ts');
  writeTree(out, synthesize(stack));
  return { stack, out, manifests: readManifests(path.join(out, 'manifests')) };
}

const problemsOf = (input: unknown) => {
  try {
    validateStack(input, 'kube.yaml');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
};

const MONITOR_KINDS = ['ServiceMonitor', 'PodMonitor', 'ScrapeConfig'];
const monitors = (ms: ManifestFile[]) => ms.filter((m) => MONITOR_KINDS.includes(m.object.kind));
/** The job a monitor scrapes as: ScrapeConfig's jobName, or the job label its relabelings set. */
function jobOf(m: ManifestFile): string | undefined {
  const spec = m.object.spec as any;
  if (m.object.kind === 'ScrapeConfig') return spec.jobName;
  const [endpoint] = spec.endpoints ?? spec.podMetricsEndpoints;
  return endpoint.relabelings.find((r: any) => r.targetLabel === 'job')?.replacement;
}

describe('monitors', () => {
  // Rendered in each test, not at collection: mutation testing attributes coverage per test (docs/testing.md).
  let run: ReturnType<typeof synthOut>;
  beforeEach(() => {
    run = synthOut();
  });
  const input = kubeInput();

  test('every scrape target has exactly one monitor object, of the kind its config asks for', () => {
    const kindFor = (t: NonNullable<StackInput['scrapeTargets']>[number]) =>
      !t.kubernetes ? 'ScrapeConfig' : t.kubernetes.discover === 'pod' ? 'PodMonitor' : 'ServiceMonitor';
    const byJob = monitors(run.manifests).map((m) => [jobOf(m), m.object.kind]);
    expect(byJob.sort()).toEqual(input.scrapeTargets!.map((t) => [t.job, kindFor(t)]).sort());
  });

  test('a ServiceMonitor selects the Services of the config in their namespace, on the named port', () => {
    const [sm] = run.manifests.filter((m) => m.object.kind === 'ServiceMonitor');
    const spec = sm.object.spec as any;
    expect(spec.namespaceSelector).toEqual({ matchNames: [BACKEND.namespace] });
    expect(spec.selector).toEqual({ matchLabels: BACKEND.selector });
    const backend = input.scrapeTargets!.find((t) => t.job === 'backend')!;
    expect(spec.endpoints).toEqual([
      expect.objectContaining({ port: BACKEND.port, path: backend.metricsPath ?? '/metrics', scheme: 'http', interval: backend.interval }),
    ]);
  });

  test('a PodMonitor selects the pods of the config and drops the metrics the config drops', () => {
    const [pm] = run.manifests.filter((m) => m.object.kind === 'PodMonitor');
    const spec = pm.object.spec as any;
    const postgres = input.scrapeTargets!.find((t) => t.job === 'postgres')!;
    expect(spec.namespaceSelector).toEqual({ matchNames: [POSTGRES.namespace] });
    expect(spec.selector).toEqual({ matchLabels: POSTGRES.selector });
    expect(spec.podMetricsEndpoints[0].port).toBe(POSTGRES.port);
    expect(spec.podMetricsEndpoints[0].metricRelabelings).toEqual([
      { sourceLabels: ['__name__'], regex: postgres.dropMetrics!.join('|'), action: 'drop' },
    ]);
  });

  test('relabelings give the series the Docker job name and the target labels (service defaults to the job)', () => {
    for (const t of input.scrapeTargets!.filter((s) => s.kubernetes)) {
      const m = monitors(run.manifests).find((o) => jobOf(o) === t.job)!;
      const [endpoint] = (m.object.spec as any).endpoints ?? (m.object.spec as any).podMetricsEndpoints;
      const set = Object.fromEntries(endpoint.relabelings.map((r: any) => [r.targetLabel, r.replacement]));
      expect(set).toEqual({ service: t.job, ...t.labels, job: t.job });
      for (const r of endpoint.relabelings) expect(r).toMatchObject({ action: 'replace' });
      expect(endpoint.relabelings.some((r: any) => r.sourceLabels)).toBe(false);
    }
  });

  test('the generated rule tests still pass promtool when a job has no static address', () => {
    const dir = path.join(run.out, 'files', 'prometheus');
    const tests = fs.readdirSync(path.join(dir, 'tests')).filter((f) => f.endsWith('.yml')).map((f) => path.join(dir, 'tests', f));
    expect(tests.length).toBeGreaterThan(0);
    const res = spawnSync(process.env.PROMTOOL ?? 'promtool', ['test', 'rules', ...tests], { encoding: 'utf8', timeout: 120_000 });
    expect(`${res.stdout}${res.stderr}`).not.toMatch(/FAILED/);
    expect(res.status).toBe(0);
  });
});

describe('checks on discovered monitors', () => {
  test('pass the schema and selector checks; a wrong scheme or a missing release label fails, naming the object', async () => {
    const { stack, manifests } = synthOut();
    const discovered = manifests.filter((m) => ['ServiceMonitor', 'PodMonitor'].includes(m.object.kind));
    expect(discovered.length).toBe(2);
    expect((await schemaCheck(discovered)).ok).toBe(true);
    const target = stack.target as KubernetesTargetConfig;
    expect(selectorCheck(target, prometheusSelectors(stack), discovered).ok).toBe(true);

    const sm = discovered.find((m) => m.object.kind === 'ServiceMonitor')!;
    const pm = discovered.find((m) => m.object.kind === 'PodMonitor')!;
    (sm.object.spec as any).endpoints[0].scheme = 'ftp';
    fs.writeFileSync(sm.abs, yaml.dump(sm.object));
    const schema = await schemaCheck([sm]);
    expect(schema.ok).toBe(false);
    expect(schema.detail).toContain(`ServiceMonitor "${sm.object.metadata.name}": spec.endpoints[0].scheme:`);

    delete pm.object.metadata.labels.release;
    const selectors = selectorCheck(target, prometheusSelectors(stack), [pm]);
    expect(selectors.ok).toBe(false);
    expect(selectors.detail).toContain(`PodMonitor "${pm.object.metadata.name}"`);
    expect(selectors.detail).toContain('podMonitorSelector');
  });
});

describe('config', () => {
  const withBackend = (change: Record<string, unknown>, target: unknown = TARGET) => {
    const input = kubeInput();
    input.scrapeTargets = input.scrapeTargets!.map((t) => (t.job === 'backend' ? { ...t, ...change } : t));
    return { ...input, target };
  };

  test('a target without addresses needs a kubernetes block on a kubernetes target', () => {
    expect(problemsOf(withBackend({}))).toEqual([]);
    expect(problemsOf(withBackend({ kubernetes: undefined }))).toContainEqual(expect.stringMatching(/^\$\.scrapeTargets\[0\]\.targets: no addresses; expected at least one "host:port"/));
    // On Docker the block alone scrapes nothing.
    expect(problemsOf(withBackend({}, { kind: 'docker' }))).toContainEqual(expect.stringMatching(/^\$\.scrapeTargets\[0\]\.targets: no addresses/));
  });

  test.each([
    [{ ...BACKEND, selector: {} }, '$.scrapeTargets[0].kubernetes.selector: empty selector'],
    [{ ...BACKEND, port: 'HTTP_metrics' }, '$.scrapeTargets[0].kubernetes.port:'],
    [{ ...BACKEND, namespace: 'Chat' }, '$.scrapeTargets[0].kubernetes.namespace:'],
    [{ ...BACKEND, discover: 'endpoints' }, '$.scrapeTargets[0].kubernetes.discover:'],
  ])('a bad kubernetes block %j is refused at its path', (kubernetes, where) => {
    expect(problemsOf(withBackend({ kubernetes })).some((p) => p.startsWith(where))).toBe(true);
  });
});
