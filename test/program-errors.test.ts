/**
 * index.ts under the mock runtime: a bad stack config is a RunError before any resource; missing secrets stop `up`
 * but not a preview (a CI preview on a fresh backend has no secrets), which shows them as unknown secret values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Pulumi from '@pulumi/pulumi';
import { REPO_ROOT, validate, withPodLogs } from './helpers';
import { EXPORTERS } from '../src/exporters';

interface Run {
  error?: unknown;
  /** type and inputs of every registered resource */
  resources: Array<{ type: string; name: string; inputs: Record<string, any> }>;
  warnings: string[];
  /** the error is a pulumi.RunError (reported without a stack trace) */
  runError?: boolean;
}

/** Loads `load` in a fresh module registry (a fresh Pulumi runtime) under mocks, with no Pulumi config at all. */
async function underMocks(stack: string, preview: boolean, load: (pulumi: typeof Pulumi) => unknown): Promise<Run> {
  const run: Run = { resources: [], warnings: [] };
  await jest.isolateModulesAsync(async () => {
    const pulumi: typeof Pulumi = require('@pulumi/pulumi');
    jest.spyOn(pulumi.log, 'warn').mockImplementation(async (msg: string) => void run.warnings.push(msg));
    pulumi.runtime.setAllConfig({}, []);
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          run.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      'monitoring-stack',
      stack,
      preview,
    );
    try {
      load(pulumi);
      const runtime = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };
      await runtime.waitForRPCs();
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      await runtime.waitForRPCs();
    } catch (err) {
      run.error = err;
      run.runError = pulumi.RunError.isInstance(err as Error);
    }
  });
  return run;
}

const program = () => require('../index');
const containersOf = (run: Run) => run.resources.filter((r) => r.type === 'docker:index/container:Container').map((r) => r.inputs.name).sort();

test('an unknown Pulumi stack name is a RunError naming the known stacks', async () => {
  const run = await underMocks('no-such-stack', false, program);
  expect(run.runError).toBe(true);
  expect((run.error as Error).message).toMatch(/invalid stack config:\n.*no such stack "no-such-stack"; known stacks: .*dev/);
  expect(run.resources).toEqual([]);
});

// Every stack of the repository, whatever its receivers: the CI preview runs each with no Pulumi config.
const STACKS = [...new Set(fs.readdirSync(path.join(REPO_ROOT, 'stacks')).filter((f) => /\.(ts|ya?ml|json)$/.test(f)).map((f) => f.replace(/\.[^.]+$/, '')))];

const targetOf = (stack: string): string => require('../src/load').loadStack({ stack }).stack.target.kind;

describe.each(STACKS)('preview of stack "%s" with no Pulumi config', (stack) => {
  test('a Docker stack runs to completion: every enabled component gets its container', async () => {
    if (targetOf(stack) !== 'docker') return; // the next test covers the other targets
    const run = await underMocks(stack, true, program);
    expect(run.error).toBeUndefined();
    const { loadStack } = require('../src/load');
    const loaded = loadStack({ stack }).stack;
    const components = loaded.components as Record<string, { enabled: boolean }>;
    // The blackbox exporter comes with the stack's probes (and only with them).
    const enabled = Object.keys(components).filter((c) => components[c].enabled && (c !== 'blackbox' || loaded.probes.length > 0));
    // An exporter's container is named after its network alias (redis-exporter), a component after itself.
    const alias = (c: string) => (EXPORTERS as Record<string, { alias: string } | undefined>)[c]?.alias ?? c;
    expect(containersOf(run)).toEqual(expect.arrayContaining(enabled.map((c) => `${stack}-${alias(c)}`)));
  });

  test('a Kubernetes stack runs to completion: its namespace, one pinned Helm release per chart, one resource per manifest object', async () => {
    if (targetOf(stack) !== 'kubernetes') return;
    const run = await underMocks(stack, true, program);
    expect(run.error).toBeUndefined();
    const loaded = require('../src/load').loadStack({ stack }).stack;
    const { kubernetesCharts } = require('../src/render/kubernetes/charts');
    const { kubernetesObjects } = require('../src/render/kubernetes');
    const { renderStack } = require('../src/render');
    const releases = run.resources.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release').map((r) => `${r.inputs.chart}@${r.inputs.version}`);
    expect(releases.sort()).toEqual(kubernetesCharts(loaded).map((c: any) => `${c.chart}@${c.version}`).sort());
    expect(run.resources.filter((r) => r.type === 'kubernetes:core/v1:Namespace').map((r) => r.inputs.metadata.name)).toEqual([loaded.target.namespace]);
    const objects = kubernetesObjects(loaded, renderStack(loaded)).map((o: any) => `${o.kind}/${o.metadata.name}`).sort();
    const named = run.resources.map((r) => r.name);
    for (const o of objects) expect(named).toContain(`${o.split('/')[0].toLowerCase()}-${o.split('/')[1]}`);
    expect(containersOf(run)).toEqual([]);
  });
});

test('a kubeconfig is what a Kubernetes-target fixture needs; its Docker twin needs none', () => {
  const { kubeconfigProblem } = require('../src/target') as typeof import('../src/target');
  const input = JSON.parse(JSON.stringify(require('./fixtures/seed-stack').default));
  expect(kubeconfigProblem(validate(input), { KUBECONFIG: '/nonexistent/kubeconfig' })).toBeUndefined();
  const kube = validate({ ...withPodLogs(input), target: { kind: 'kubernetes', namespace: 'monitoring', release: 'kps' } });
  expect(kubeconfigProblem(kube, { KUBECONFIG: '/nonexistent/kubeconfig' })).toMatch(/stack "dev" deploys to a cluster \(namespace "monitoring", release "kps"\), and no kubeconfig was found \(\/nonexistent\/kubeconfig\)/);
  expect(kubeconfigProblem(kube, { KUBECONFIG: path.join(REPO_ROOT, 'package.json') })).toBeUndefined();
});

/** A pinned stack with two secret references (fixture values, not a user's stack). */
const FIXTURE = {
  name: 'fixture',
  environment: 'test',
  scrapeTargets: [{ job: 'api', targets: ['api:8000'] }],
  alertmanager: {
    route: { receiver: 'mail' },
    receivers: [
      { name: 'mail', email: [{ to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com:587', authUsername: 'b', authPassword: { secret: 'fixtureSmtpPassword' } }] },
      { name: 'chat', slack: [{ apiUrl: { secret: 'fixtureSlackUrl' }, channel: '#a' }] },
    ],
  },
};
const monitoringStack = () => {
  const { MonitoringStack } = require('../src/pulumi/stack');
  return new MonitoringStack('monitoring', { stack: validate(FIXTURE) });
};
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const SECRET_KEY = '4dabf18193072939515e22adb298388d';

describe('missing secrets', () => {
  test('preview: a warning names each one with the command that sets it, uploaded as an unknown secret', async () => {
    const run = await underMocks('fixture', true, monitoringStack);
    expect(run.error).toBeUndefined();
    expect(run.warnings.join('\n')).toMatch(
      /the stack "fixture" needs these secrets in Pulumi config \(previewed as unknown values; `up` stops without them\):\n {2}npm run secrets -- --stack fixture set fixtureSlackUrl .*\n {2}npm run secrets -- --stack fixture set fixtureSmtpPassword /,
    );
    const am = run.resources.find((r) => r.type === 'docker:index/container:Container' && r.inputs.name === 'fixture-alertmanager')!;
    // The uploads list holds secrets, so the whole list is a secret; each secret file's content is unknown.
    expect(am.inputs.uploads[SECRET_KEY]).toBe(SECRET_SIG);
    const secretUploads = (am.inputs.uploads.value as any[]).filter((u) => /\/secrets\//.test(u.file));
    expect(secretUploads.map((u) => u.file).sort()).toEqual(['/etc/alertmanager/secrets/fixtureSlackUrl', '/etc/alertmanager/secrets/fixtureSmtpPassword']);
    for (const u of secretUploads) expect(u.content).toEqual({ __pulumiUnknown: true });
  });

  test('up: fails before any container, naming each missing secret and the command that sets it', async () => {
    const run = await underMocks('fixture', false, monitoringStack);
    expect(run.runError).toBe(true);
    expect((run.error as Error).message).toBe(
      [
        'the stack "fixture" needs these secrets in Pulumi config:',
        '  npm run secrets -- --stack fixture set fixtureSlackUrl    (the value on stdin, or typed when asked)',
        '  npm run secrets -- --stack fixture set fixtureSmtpPassword    (the value on stdin, or typed when asked)',
        '  list what the stack needs and what is set: npm run secrets -- --stack fixture',
      ].join('\n'),
    );
    expect(containersOf(run)).toEqual([]);
  });
});
