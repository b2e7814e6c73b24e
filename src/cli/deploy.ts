/**
 * npm run up | preview | destroy [-- --stack <name>] [pulumi flags...]
 *
 * Checks the prerequisites first (Pulumi CLI, a reachable Docker daemon, a passphrase for the secrets), says
 * exactly what is missing and how to get it, then runs Pulumi against a local file backend (`.pulumi-state/` in the
 * repository) unless PULUMI_BACKEND_URL says otherwise: no Pulumi Cloud account needed.
 */
import { kubeconfigProblem } from '../target';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadStack, REPO_ROOT } from '../load';
import { runCommand } from './args';

const COMMANDS = { up: ['up'], preview: ['preview', '--diff'], destroy: ['destroy'] } as const;
type Command = keyof typeof COMMANDS;
const USAGE = 'npm run up|preview|destroy [-- --stack <name>] [pulumi options, e.g. --yes]';
export const EXIT_MISSING_PREREQUISITES = 3;

export const PULUMI_INSTALL_HELP = [
  'install the Pulumi CLI:',
  '    curl -fsSL https://get.pulumi.com | sh        (official installer, see https://www.pulumi.com/docs/install/)',
  '  or npm install -g pulumi                          (npm launcher from pulumi/pulumi; downloads the CLI on first run)',
  '  then open a new shell or add ~/.pulumi/bin to PATH.',
].join('\n');

export const DOCKER_INSTALL_HELP = [
  'install Docker Engine (https://docs.docker.com/engine/install/) and start it:',
  '    sudo systemctl enable --now docker',
  '  or point DOCKER_HOST at a reachable daemon.',
].join('\n');

/** An executable named `name` on PATH, in the project's node_modules/.bin, or where the installer puts it. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [
    ...(env.PATH ?? '').split(path.delimiter).filter(Boolean),
    path.join(REPO_ROOT, 'node_modules', '.bin'),
    ...(name === 'pulumi' ? [path.join(env.HOME ?? os.homedir(), '.pulumi', 'bin')] : []),
  ];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Pings the Docker daemon the Pulumi Docker provider will use (DOCKER_HOST or the default socket). */
export async function dockerProblem(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const host = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  let request: http.RequestOptions;
  if (host.startsWith('unix://')) request = { socketPath: host.slice('unix://'.length), path: '/_ping' };
  else if (host.startsWith('tcp://') && !env.DOCKER_TLS_VERIFY) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    request = { host: url.hostname, port: Number(url.port || 2375), path: '/_ping' };
  } else {
    // ssh:// or TLS: let the Docker CLI do the talking.
    const docker = findExecutable('docker', env);
    if (!docker) return `Docker: DOCKER_HOST is ${host}, which needs the docker CLI to check, and it is not installed.\n  ${DOCKER_INSTALL_HELP}`;
    const r = spawnSync(docker, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 15000, env });
    return r.status === 0 ? undefined : `Docker: the daemon at ${host} is not reachable (docker info: ${(r.stderr || '').trim().split('\n')[0]}).\n  ${DOCKER_INSTALL_HELP}`;
  }
  return new Promise((resolve) => {
    const req = http.get({ ...request, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `Docker: the daemon at ${host} answered ${res.statusCode} to a ping.`);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? 'no Docker daemon is listening there'
          : err.code === 'EACCES'
            ? 'permission denied: add your user to the docker group (sudo usermod -aG docker $USER) and log in again'
            : err.message;
      resolve(`Docker: cannot reach the Docker daemon at ${host} (${why}).\n  ${DOCKER_INSTALL_HELP}`);
    });
  });
}

export const BACKEND_DIR = path.join(REPO_ROOT, '.pulumi-state');

/** Points `env` at the project's backend (`.pulumi-state/`) unless PULUMI_BACKEND_URL is set; returns the URL. */
export function useProjectBackend(env: NodeJS.ProcessEnv): string {
  if (!env.PULUMI_BACKEND_URL) {
    fs.mkdirSync(BACKEND_DIR, { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${BACKEND_DIR}`;
  }
  return env.PULUMI_BACKEND_URL;
}

/** Pulumi needs the passphrase of file and S3 backends; without a terminal it cannot ask for it. */
export function passphraseProblem(env: NodeJS.ProcessEnv, terminal: boolean): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE || env.PULUMI_CONFIG_PASSPHRASE_FILE || terminal || env.PULUMI_BACKEND_URL?.startsWith('https://')) return undefined;
  return (
    'Passphrase: the local backend encrypts secrets with a passphrase, and there is no terminal to ask for it.\n' +
    "  export PULUMI_CONFIG_PASSPHRASE=...  (or PULUMI_CONFIG_PASSPHRASE_FILE=<file>); keep it: it decrypts the stack's secrets."
  );
}

function parse(argv: string[]): { command: Command; stack: string; passthrough: string[] } {
  const [command, ...rest] = argv;
  if (!command || !(command in COMMANDS)) throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}`);
  let stack = 'dev';
  const passthrough: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--stack' || a === '-s') stack = rest[++i] ?? '';
    else if (a.startsWith('--stack=')) stack = a.slice('--stack='.length);
    else passthrough.push(a);
  }
  return { command: command as Command, stack, passthrough };
}

class UsageError extends Error {}

async function main(): Promise<number> {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\nusage: ${USAGE}\n`);
    return 2;
  }
  // Bad config: report it before anything else (ConfigError → one line per problem, exit 2).
  const stack = loadStack({ stack: args.stack }).stack;

  const env = { ...process.env };
  const problems: string[] = [];
  const pulumi = findExecutable('pulumi', env);
  if (!pulumi) problems.push(`Pulumi CLI: "pulumi" is not on PATH.\n  ${PULUMI_INSTALL_HELP}`);
  // Each target needs its own engine: the Docker daemon, or a cluster through a kubeconfig.
  const engine = stack.target.kind === 'kubernetes' ? kubeconfigProblem(stack, env) : await dockerProblem(env);
  if (engine) problems.push(engine);
  const passphrase = passphraseProblem(env, !!process.stdin.isTTY);
  if (passphrase) problems.push(passphrase);
  if (problems.length > 0) {
    process.stderr.write(`cannot run "pulumi ${args.command}" for stack "${args.stack}"; missing:\n\n${problems.map((p) => `- ${p}`).join('\n\n')}\n`);
    return EXIT_MISSING_PREREQUISITES;
  }

  useProjectBackend(env);
  process.stderr.write(`backend: ${env.PULUMI_BACKEND_URL}\n`);
  const run = (cliArgs: string[]) => spawnSync(pulumi!, cliArgs, { cwd: REPO_ROOT, env, stdio: 'inherit' }).status ?? 1;
  // Select the stack, creating it (passphrase secrets provider) on first use.
  const selected = run(['stack', 'select', args.stack, '--create', '--secrets-provider', 'passphrase']);
  if (selected !== 0) return selected;
  return run([...COMMANDS[args.command], '--stack', args.stack, ...args.passthrough]);
}

if (require.main === module) void runCommand(main);
