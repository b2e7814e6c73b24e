/**
 * npm run secrets -- --stack <name>              lists the secrets the stack needs and which are set
 * npm run secrets -- --stack <name> set <key>    sets one from stdin (or typed, not echoed, on a terminal)
 *
 * The list comes from the stack config (its `{ secret: "<name>" }` references), so it works offline; whether each
 * one is set is asked of `pulumi config` against the project's backend (the one `npm run up` uses). A value only
 * ever travels on stdin, never in a command line (visible in `ps` and shell history).
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadStack, REPO_ROOT } from '../load';
import type { Stack } from '../schema';
import { requiredSecrets, setSecretCommand } from '../pulumi/secrets';
import { PULUMI_PROJECT } from '../resources';
import { EXIT_BAD_INPUT, runCommand } from './args';
import { EXIT_MISSING_PREREQUISITES, PULUMI_INSTALL_HELP, findExecutable, passphraseProblem, useProjectBackend } from './deploy';

const USAGE = 'npm run secrets -- --stack <name> [set <secret-name>]   (set reads the value from stdin)';

export interface NeededSecret {
  name: string;
  required: boolean;
  /** JSON paths of the stack config that reference it. */
  usedBy: string[];
}

/** Every `{ secret: "<name>" }` reference in a config, with its JSON path. */
export function secretReferences(value: unknown, path = '$', out: Array<{ name: string; path: string }> = []) {
  if (Array.isArray(value)) value.forEach((v, i) => secretReferences(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (Object.keys(obj).length === 1 && typeof obj.secret === 'string') out.push({ name: obj.secret, path });
    else for (const [k, v] of Object.entries(obj)) secretReferences(v, `${path}.${k}`, out);
  }
  return out;
}

/** What a deployment of the stack reads: the required secrets, and the optional Grafana admin password. */
export function neededSecrets(stack: Stack): NeededSecret[] {
  const refs = secretReferences(stack);
  const usedBy = (name: string) => refs.filter((r) => r.name === name).map((r) => r.path);
  const needed = requiredSecrets(stack).map((name) => ({ name, required: true, usedBy: usedBy(name) }));
  if (stack.components.grafana.enabled) {
    const name = stack.grafana.adminPassword.secret;
    needed.push({ name, required: false, usedBy: [...usedBy(name), '(generated when not set)'] });
  }
  return needed;
}

/** Which config keys are set, by `pulumi config --json` (values of secrets are not shown); or why unknown. */
export function configStatus(stack: string, env: NodeJS.ProcessEnv): Map<string, string> | string {
  const pulumi = findExecutable('pulumi', env);
  if (!pulumi) return 'unknown (Pulumi CLI missing)';
  useProjectBackend(env);
  const res = spawnSync(pulumi, ['config', '--stack', stack, '--show-secrets=false', '--json'], {
    cwd: REPO_ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
  });
  // A stack that was never selected or deployed has no config yet.
  if (res.status !== 0 && /no stack named/.test(res.stderr)) return new Map();
  if (res.status !== 0) return `unknown (pulumi config: ${(res.stderr || res.error?.message || '').trim().split('\n')[0]})`;
  const config = JSON.parse(res.stdout) as Record<string, { secret?: boolean }>;
  const status = new Map<string, string>();
  for (const [key, entry] of Object.entries(config)) {
    if (key.startsWith(`${PULUMI_PROJECT}:`)) status.set(key.slice(PULUMI_PROJECT.length + 1), entry.secret ? 'set' : 'set in plain text (set it again)');
  }
  return status;
}

function list(stack: Stack, pulumiStack: string, env: NodeJS.ProcessEnv): number {
  const needed = neededSecrets(stack);
  const status = configStatus(pulumiStack, env);
  const rows = [['NAME', 'NEEDED', 'STATUS', 'USED BY'], ...needed.map((s) => [
    s.name,
    s.required ? 'required' : 'optional',
    typeof status === 'string' ? status : (status.get(s.name) ?? 'not set'),
    s.usedBy.join(', '),
  ])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(`Secrets of stack "${pulumiStack}" (Pulumi config, backend ${env.PULUMI_BACKEND_URL ?? 'not queried'}):\n`);
  for (const r of rows) process.stdout.write(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  process.stdout.write(`Set one (the value on stdin, or typed when asked): ${setSecretCommand(pulumiStack, '<name>')}\n`);
  return 0;
}

function set(stack: Stack, pulumiStack: string, name: string, env: NodeJS.ProcessEnv): number {
  const names = neededSecrets(stack).map((s) => s.name);
  if (!names.includes(name)) {
    process.stderr.write(`the stack "${pulumiStack}" uses no secret "${name}"; expected one of: ${names.join(', ') || '(none)'}\n`);
    return EXIT_BAD_INPUT;
  }
  const pulumi = findExecutable('pulumi', env);
  const terminal = !!process.stdin.isTTY;
  useProjectBackend(env);
  const problems = [
    ...(pulumi ? [] : [`Pulumi CLI: "pulumi" is not on PATH.\n  ${PULUMI_INSTALL_HELP}`]),
    ...[passphraseProblem(env, terminal)].filter((p): p is string => !!p),
  ];
  if (problems.length > 0) {
    process.stderr.write(`cannot set "${name}" for stack "${pulumiStack}"; missing:\n\n${problems.map((p) => `- ${p}`).join('\n\n')}\n`);
    return EXIT_MISSING_PREREQUISITES;
  }
  // Pulumi's output goes to stderr: stdout stays for the caller. stdin is left alone until `config set` reads it.
  const run = (args: string[], stdin: 'inherit' | 'ignore') =>
    spawnSync(pulumi!, args, { cwd: REPO_ROOT, env, stdio: [stdin, process.stderr, process.stderr] }).status ?? 1;
  const selected = run(['stack', 'select', pulumiStack, '--create', '--secrets-provider', 'passphrase'], terminal ? 'inherit' : 'ignore');
  if (selected !== 0) return selected;
  // Pulumi reads the value from stdin when it is not a terminal (trailing newline removed) and prompts otherwise.
  return run(['config', 'set', '--secret', '--stack', pulumiStack, name], 'inherit');
}

function parse(): { stack?: string; positionals: string[]; help?: boolean } {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { stack: { type: 'string', short: 's' }, help: { type: 'boolean' } },
    allowPositionals: true,
  });
  return { ...values, positionals };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  const [command, name, ...extra] = args.positionals;
  if (args.help) return (process.stdout.write(`usage: ${USAGE}\n`), 0);
  if (!args.stack || (command !== undefined && (command !== 'set' || !name || extra.length > 0))) {
    process.stderr.write(`usage: ${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  const { stack } = loadStack({ stack: args.stack });
  const env = { ...process.env };
  return command === 'set' ? set(stack, args.stack, name, env) : list(stack, args.stack, env);
}

if (require.main === module) void runCommand(main);
