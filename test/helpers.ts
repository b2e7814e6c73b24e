import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { loadStack, validateStack, REPO_ROOT } from '../src/load';
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

export const loadNamed = (name: string): Stack => loadStack({ stack: name }).stack;

/** The dev stack with changes applied to a deep copy of its input. */
export function devInput(): StackInput {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return JSON.parse(JSON.stringify(require('../stacks/dev').default));
}

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
