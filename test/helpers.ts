import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { loadConfigFile, validateStack, REPO_ROOT } from '../src/load';
import type { Stack, StackInput } from '../src/schema';

export { REPO_ROOT };

/** Runs one of the package's CLIs (src/cli/<name>.ts) the way `npm run <name>` does. */
export function runCli(name: string, args: string[], cwd = REPO_ROOT) {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.cjs'), path.join(REPO_ROOT, 'src', 'cli', `${name}.ts`), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export const tmpDir = (prefix = 'ms-test-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/**
 * The fixture stacks under test/fixtures/: frozen copies of the seed stacks. Tests that pin values read these, never
 * stacks/* (the user's files; test/stacks.test.ts covers those with checks that hold for any valid config).
 */
export const FIXTURES = {
  dev: path.join(__dirname, 'fixtures', 'seed-stack.ts'),
  staging: path.join(__dirname, 'fixtures', 'staging-stack.yaml'),
  prod: path.join(__dirname, 'fixtures', 'prod-stack.ts'),
} as const;
export type FixtureName = keyof typeof FIXTURES;

/** A fixture stack's input (a deep copy: tests change it freely). */
export function fixtureInput(name: FixtureName): StackInput {
  const file = FIXTURES[name];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const input = file.endsWith('.ts') ? require(file).default : loadConfigFile(file).input;
  return JSON.parse(JSON.stringify(input));
}

/** A fixture stack, validated with every default filled in. */
export const loadFixture = (name: FixtureName): Stack => validateStack(fixtureInput(name), path.relative(REPO_ROOT, FIXTURES[name]));

/** The seed dev fixture's input, to change in a test. */
export const seedInput = (): StackInput => fixtureInput('dev');

/** The pods a seed log source is read from on a cluster: its app's pods in `chat` (fixture values). */
export const podsOfJob = (job: string) => ({ namespace: 'chat', selector: { 'app.kubernetes.io/name': job.replace(/_logs$/, '') } });

/** An input whose log sources each name their pods, as a kubernetes target requires (config/logs). */
export function withPodLogs(input: StackInput): StackInput {
  const sources = (input.logs?.sources ?? []).map((s) => ({ ...s, kubernetes: s.kubernetes ?? podsOfJob(s.job) }));
  return { ...input, logs: { ...input.logs, sources } };
}

/** A fixture as a JSON config file, for the CLIs' `--config` (they read stacks/* only by name). */
export function fixtureConfigFile(name: FixtureName): string {
  const file = path.join(tmpDir('ms-fixture-'), `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(fixtureInput(name), null, 2));
  return file;
}

/** The names of the user's stacks in stacks/ (for checks that hold for any valid config). */
export function userStackNames(): string[] {
  const file = /\.(ts|ya?ml|json)$/;
  return [...new Set(fs.readdirSync(path.join(REPO_ROOT, 'stacks')).filter((f) => file.test(f)).map((f) => f.replace(file, '')))].sort();
}

/** Earlier names of loadFixture/seedInput (tests written on other branches); they read the fixtures too. */
export const loadNamed = (name: FixtureName): Stack => loadFixture(name);
export const devInput = seedInput;

export const validate = (input: unknown) => validateStack(input, 'test.yaml');

export const parseYaml = (text: string) => yaml.load(text) as any;

/** Every file under a directory, relative path → content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}
