/**
 * Local processes for `npm run try` and the end-to-end test: finding the Debian binaries (a missing one is an
 * error naming the package), 127.0.0.1 ports, processes in their own process group with their output in a log
 * file, stopping them (the whole group), and bounded polling.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Debian package that ships each binary, for the error message when it is missing. */
export const PACKAGES: Record<string, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  alertmanager: 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  'prometheus-blackbox-exporter': 'prometheus-blackbox-exporter',
};
const SETUP = 'sudo apt-get install -y prometheus prometheus-alertmanager, or ./scripts/setup.sh';

/** Absolute path of the first of `names` found (env override first); throws naming the Debian package. */
export function requireBinary(envVar: string, names: string[]): string {
  const pkg = PACKAGES[names[0]] ?? names[0];
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`${envVar}=${fromEnv} is not an executable file; unset it to use "${names[0]}" from the Debian package "${pkg}" (${SETUP})`);
  }
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'].filter(Boolean);
  for (const name of names) for (const dir of dirs) if (isExecutable(path.join(dir, name))) return path.join(dir, name);
  throw new Error(`${names[0]} not found on PATH: install the Debian package "${pkg}" (${SETUP}), or set ${envVar}=<path to the binary>`);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Listens on 127.0.0.1:`port` (0: any) and releases it; resolves the port, rejects when it is taken. */
function probePort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const { port: got } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(got));
    });
  });
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return probePort(0);
}

/** `port` if it is free on 127.0.0.1; otherwise an error naming the port and who asked for it (e.g. a flag). */
export async function requireFreePort(port: number, what: string): Promise<number> {
  try {
    return await probePort(port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is taken' : `cannot be used (${code ?? (err as Error).message})`;
    throw new Error(`port ${port} on 127.0.0.1 (${what}) ${why}; choose another port or leave the flag out for a free one`);
  }
}

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Why the process ended (undefined while it runs). */
  exited: () => string | undefined;
}

/** Process groups still running; killed when this process exits, should nobody have stopped them. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
});

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // Already gone.
  }
}

/** Starts a process in its own process group, stdout and stderr appended to `logFile`. */
export function startProcess(name: string, command: string, args: string[], opts: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }): Proc {
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exit: string | undefined;
  if (child.pid !== undefined) live.add(child.pid);
  child.on('exit', (code, signal) => {
    exit = `exited with ${signal ?? `code ${code}`}`;
    if (child.pid !== undefined) live.delete(child.pid);
  });
  child.on('error', (err) => (exit = `failed to start: ${err.message}`));
  return { name, child, logFile: opts.logFile, exited: () => exit };
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(proc: Proc, graceMs = 5000): Promise<void> {
  const { child } = proc;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pgid = child.pid;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pgid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([gone.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
  clearTimeout(timer);
  if (!stopped) {
    signalGroup(pgid, 'SIGKILL');
    await Promise.race([gone, sleep(2000)]);
  }
  // Anything the process left in its group (a child it spawned) goes with it.
  signalGroup(pgid, 'SIGKILL');
  live.delete(pgid);
}

/** The last `lines` lines of a log file. */
export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than undefined. Bounded twice: by `timeoutMs` and by the number of
 * attempts it allows. `procs` that exit meanwhile fail the wait at once, with their log.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  opts: { timeoutMs: number; intervalMs?: number; procs?: Proc[] },
): Promise<T> {
  const interval = opts.intervalMs ?? 250;
  const deadline = Date.now() + opts.timeoutMs;
  const maxAttempts = Math.ceil(opts.timeoutMs / interval) + 1;
  let last = 'no attempt finished';
  for (let attempt = 0; attempt < maxAttempts && Date.now() <= deadline; attempt++) {
    for (const p of opts.procs ?? []) {
      const exit = p.exited();
      if (exit) throw new Error(`${p.name} ${exit} while waiting for ${what}; its log:\n${tail(p.logFile)}`);
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'condition not met';
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what} (last: ${last})`);
}
