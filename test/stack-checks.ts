/**
 * Checks that hold for EVERY valid stack config, whatever a user writes: it synthesizes, promtool and amtool accept
 * the output (`check`), the same config gives the same bytes twice, and no secret value is visible anywhere. These
 * are the only tests that read stacks/* (test/stacks.test.ts); test/user-edits.test.ts runs them on edited copies.
 * They never pin a value of the stack: every expectation comes from the stack itself.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { runChecks } from '../src/check';
import { writeTree } from '../src/output';
import { recordResources, resourceGraphJson } from '../src/resources';
import { placeholderSecret, requiredSecrets } from '../src/pulumi/secrets';
import { dsnParts } from '../src/exporters';
import { COMPONENT_NAMES } from '../src/schema';
import type { Stack } from '../src/schema';
import { synthesize } from '../src/synth';
import { renderStack } from '../src/render';
import { kubernetesObjects } from '../src/render/kubernetes';
import { kubernetesCharts } from '../src/render/kubernetes/charts';
import { tmpDir } from './helpers';

/** A distinctive value per secret the stack needs, plus the Grafana admin password. */
export function secretValuesFor(stack: Stack): Record<string, string> {
  const names = [...requiredSecrets(stack), 'grafanaAdminPassword'];
  const value = (n: string) => `S3cret-value-of-${n}-${n.length}`;
  // A DSN secret is split into parts at deploy: its distinctive value is the password inside a well-formed DSN.
  const shaped = (n: string) => (placeholderSecret(stack, n).startsWith('postgresql://') ? `postgresql://exporter:${value(n)}@db.internal:5432/chat` : value(n));
  return Object.fromEntries(names.map((n) => [n, shaped(n)]));
}

const isSecret = (v: any) => v && typeof v === 'object' && v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** Every string anywhere in a value outside Pulumi secret wrappers. */
export function visibleStrings(value: unknown, out: string[] = []): string[] {
  if (isSecret(value)) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => visibleStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => visibleStrings(v, out));
  return out;
}

/** Runs `check` (promtool, amtool, route and dashboard checks) on the synth output; returns the failures. */
export async function checkFailures(stack: Stack): Promise<string[]> {
  const out = path.join(tmpDir('ms-stack-check-'), 'out');
  writeTree(out, synthesize(stack));
  const results = await runChecks(stack, path.join(out, 'files'));
  if (results.length === 0) return ['check ran no checks'];
  return results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail ?? ''}`);
}

/** Where a secret value shows up outside a secret: rendered files, resource inputs, resources.json. */
export async function secretLeaks(stack: Stack): Promise<string[]> {
  const secrets = secretValuesFor(stack);
  const options = { config: secrets, secretKeys: Object.keys(secrets) };
  const files = Object.entries(synthesize(stack));
  const resources = await recordResources(stack, options);
  const json = await resourceGraphJson(stack, options);
  const leaks: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    const value = dsnParts(secret)?.password ?? secret;
    for (const [file, text] of files) if (text.includes(value)) leaks.push(`${name} in ${file}`);
    for (const r of resources) if (visibleStrings(r.inputs).some((s) => s.includes(value))) leaks.push(`${name} in ${r.type} ${r.name}`);
    if (json.includes(value)) leaks.push(`${name} in resources.json`);
  }
  return leaks;
}

/** A kubernetes stack under mocks: its pinned chart releases and one resource per manifest object. */
async function expectKubernetesDeploy(stack: Stack): Promise<void> {
  const rs = await recordResources(stack);
  const releases = rs.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release').map((r) => `${r.inputs.chart}@${r.inputs.version}`);
  expect(releases.sort()).toEqual(kubernetesCharts(stack).map((c) => `${c.chart}@${c.version}`).sort());
  const names = new Set(rs.map((r) => r.name));
  const objects = kubernetesObjects(stack, renderStack(stack)).map((o) => `${o.kind.toLowerCase()}-${o.metadata.name}`);
  expect(objects.filter((o) => !names.has(o))).toEqual([]);
  expect(rs.filter((r) => r.type === 'docker:index/container:Container')).toEqual([]);
}

/** The jest tests for one stack; `load` returns the validated stack (a validation error fails every test). */
export function describeMachineryChecks(title: string, load: () => Stack): void {
  describe(title, () => {
    test('synthesizes files for every enabled component and deploys under mocks: ports on its bindAddress, data kept', async () => {
      const stack = load();
      if (stack.target.kind === 'kubernetes') return expectKubernetesDeploy(stack);
      const files = Object.keys(synthesize(stack));
      const enabled = COMPONENT_NAMES.filter((c) => stack.components[c].enabled);
      for (const c of enabled) expect(files.filter((f) => f.startsWith(`files/${c}/`)).length).toBeGreaterThan(0);
      const rs = await recordResources(stack);
      const containers = rs.filter((r) => r.type === 'docker:index/container:Container');
      const componentOf = (r: (typeof rs)[number]) => ((r.inputs.labels as any[]) ?? []).find((l) => l.label === 'monitoring-stack.component')?.value;
      expect(containers.map(componentOf).filter((c) => COMPONENT_NAMES.includes(c)).sort()).toEqual([...enabled].sort());
      for (const p of containers.flatMap((r) => (r.inputs.ports as any[]) ?? [])) expect(p.ip).toBe(stack.bindAddress);
      for (const v of rs.filter((r) => r.type === 'docker:index/volume:Volume')) expect(v.options.retainOnDelete).toBe(true);
    });

    test('passes check: promtool, amtool, its rule tests, routes and dashboards', async () => {
      expect(await checkFailures(load())).toEqual([]);
    }, 300_000); // SLO behaviour tests simulate days in promtool: minutes on a loaded machine

    test('renders deterministically: same bytes twice, files and resources.json', async () => {
      const stack = load();
      expect(JSON.stringify(synthesize(load()))).toBe(JSON.stringify(synthesize(stack)));
      expect(await resourceGraphJson(load())).toBe(await resourceGraphJson(stack));
    });

    test('no secret value appears in rendered files, resource inputs or resources.json', async () => {
      expect(await secretLeaks(load())).toEqual([]);
    });
  });
}
