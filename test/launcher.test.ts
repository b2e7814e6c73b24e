/**
 * scripts/run.cjs, the start-up path of every npm script that runs a CLI, and scripts/lazy-deps.cjs, which defers
 * the parts of @pulumi/pulumi those runs do not use; and the stack validator kept as ajv standalone code. Both act on node's own module loader, so they run in a child
 * node process here (jest has its own module registry).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { devInput, fixtureConfigFile, loadNamed, REPO_ROOT, readTree, runCli, tmpDir } from './helpers';
import { synthesize } from '../src/synth';
import { buildJsonSchema } from '../src/schema';
import { cachedValidator, compileValidator } from '../src/load';
import { resourceGraphJson } from '../src/resources';

const node = (args: string[], cwd = REPO_ROOT) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });

/** Loads @pulumi/pulumi (with the lazy hook when `lazy`), runs `then`, prints JSON. */
const probe = (lazy: boolean, then: string) =>
  node([
    '-e',
    `${lazy ? "require('./scripts/lazy-deps.cjs');" : ''}
     const pulumi = require('@pulumi/pulumi');
     const loaded = (name) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + name + '/'));
     Promise.resolve((async () => { ${then} })()).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`,
  ]);

describe('scripts/lazy-deps.cjs', () => {
  test('without it, loading @pulumi/pulumi loads the Automation API, TypeScript and Arborist (so the hook has work to do)', () => {
    const r = probe(false, "return [loaded('execa'), loaded('typescript'), loaded('@npmcli/arborist')]");
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([true, true, true]);
  });

  test('with it, none of them is loaded until used', () => {
    const r = probe(true, "return [loaded('execa'), loaded('typescript'), loaded('@npmcli/arborist'), loaded('normalize-package-data')]");
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([false, false, false, false]);
  });

  test('a deferred module is the real one on first use: Automation API, TypeScript, Arborist and normalize-package-data', () => {
    const r = probe(
      true,
      `const auto = pulumi.automation;
       const ts = require('@pulumi/pulumi/typescript-shim');
       const paths = await pulumi.runtime.computeCodePaths({ extraIncludePackages: [] });
       return [typeof auto.LocalWorkspace.create, Object.keys(auto).includes('LocalWorkspace'), typeof ts.createSourceFile, ts.version === require('typescript').version, paths.size > 0, loaded('execa'), loaded('@npmcli/arborist')];`,
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['function', true, 'function', true, true, true, true]);
  });
});

describe('scripts/run.cjs', () => {
  test('runs a CLI with its arguments and exit code, like tsx', () => {
    const ok = node(['scripts/run.cjs', 'src/cli/synth.ts', '--help']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^usage: npm run synth -- /);
    const bad = node(['scripts/run.cjs', 'src/cli/synth.ts', '--no-such-flag']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no-such-flag/);
  });

  test('the file runs as the main module: CLIs guarded by `require.main === module` run', () => {
    const r = node(['scripts/run.cjs', 'src/cli/secrets.ts', '--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run secrets -- /);
  });

  test('without a file it prints its usage and exits 2', () => {
    const r = node(['scripts/run.cjs']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: node scripts\/run\.cjs <file\.ts>/);
  });

  test('synth through it writes exactly the in-process rendering and resource graph of the dev stack', async () => {
    const out = path.join(tmpDir(), 'out');
    // The seed fixture, not stacks/dev.ts: the expectation is rendered from the same input in process.
    const r = runCli('synth', ['--config', fixtureConfigFile('dev'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stack = loadNamed('dev');
    const expected = { ...synthesize(stack), 'resources.json': await resourceGraphJson(stack) };
    const written = readTree(out);
    for (const [file, content] of Object.entries(expected)) expect([file, written[file]]).toEqual([file, content]);
  });
});

describe('the cached stack validator (src/load.ts)', () => {
  const schema = buildJsonSchema();
  const bad: Array<[string, (s: any) => void]> = [
    ['a name of the wrong type', (s) => (s.name = 7)],
    ['an unknown top-level key', (s) => (s.colour = 'blue')],
    ['a bind address that is no address', (s) => (s.bindAddress = 'everywhere')],
    ['a missing required section', (s) => delete s.alertmanager],
  ];
  const run = (validate: ValidateFunction, input: unknown) => {
    const data = JSON.parse(JSON.stringify(input));
    const ok = validate(data);
    const errors = (validate.errors ?? []).map(({ instancePath, schemaPath, keyword, params, message, parentSchema }) => ({ instancePath, schemaPath, keyword, params, message, parentSchema }));
    return { ok, errors, data };
  };

  test.each(bad)('reports exactly what a freshly compiled one reports: %s', (_name, change) => {
    const input = devInput() as any;
    change(input);
    const fresh = run(compileValidator(schema).validate, input);
    expect(fresh.ok).toBe(false);
    expect(fresh.errors.length).toBeGreaterThan(0);
    expect(run(cachedValidator(schema), input)).toEqual(fresh);
  });

  test('fills in the same defaults for a valid stack', () => {
    const fresh = run(compileValidator(schema).validate, devInput());
    expect(fresh.ok).toBe(true);
    expect(run(cachedValidator(schema), devInput())).toEqual(fresh);
  });
});
