/**
 * Process and network helpers for the end-to-end test: finding the Debian binaries (a missing one is an error,
 * never a skip), free 127.0.0.1 ports, processes in their own process group with their output in a log file,
 * bounded polling, JSON over HTTP and a webhook sink that records Alertmanager notifications.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

/** Debian package that ships each binary, for the error message when it is missing. */
const PACKAGES: Record<string, string> = {
  prometheus: 'prometheus',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  alertmanager: 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
};
const SETUP = 'sudo apt-get install -y prometheus prometheus-alertmanager';

/** Absolute path of the first of `names` found (env override first); throws naming the Debian package. */
export function requireBinary(envVar: string, names: string[]): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`${envVar}=${fromEnv} is not an executable file; unset it to use "${names[0]}" from the Debian package "${PACKAGES[names[0]] ?? names[0]}" (${SETUP})`);
  }
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'].filter(Boolean);
  for (const name of names) for (const dir of dirs) if (isExecutable(path.join(dir, name))) return path.join(dir, name);
  throw new Error(
    `${names[0]} not found on PATH: the end-to-end test needs the Debian package "${PACKAGES[names[0]] ?? names[0]}" ` +
      `(${SETUP}), or ${envVar}=<path to the binary>`,
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: () => string | undefined;
}

/** Process groups still running; killed when this (jest worker) process exits, should afterAll never run. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

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
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = await Promise.race([gone.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
  clearTimeout(timer);
  if (!killed) {
    signal('SIGKILL');
    await Promise.race([gone, sleep(2000)]);
  }
}

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

export interface HttpResult {
  status: number;
  body: string;
}

/** One HTTP request with a timeout. */
export function request(url: string, opts: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        timeout: opts.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${opts.method ?? 'GET'} ${url} timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export async function getJson<T = any>(url: string): Promise<T> {
  const res = await request(url);
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as T;
}

/** A Prometheus instant query; returns the result vector. */
export async function promQuery(base: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await getJson(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  if (res.status !== 'success') throw new Error(`query ${query}: ${JSON.stringify(res).slice(0, 300)}`);
  return res.data.result;
}

/** One alert of one webhook notification, flattened. */
export interface Delivery {
  /** The receiver Alertmanager says it notified (payload `receiver`). */
  receiver: string;
  /** The sink path the webhook posted to (the fixture uses /<receiver name>). */
  path: string;
  /** The alert's own status, "firing" or "resolved". */
  status: string;
  labels: Record<string, string>;
  /** The alert's annotations as the receiver gets them (summary, description, …). */
  annotations: Record<string, string>;
  receivedAt: number;
}

/** An HTTP server on 127.0.0.1 that records Alertmanager webhook notifications. */
export async function startWebhookSink(): Promise<{ port: number; deliveries: Delivery[]; close: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const alert of payload.alerts ?? []) {
          deliveries.push({
            receiver: payload.receiver,
            path: (req.url ?? '/').replace(/^\//, ''),
            status: alert.status,
            labels: alert.labels ?? {},
            annotations: alert.annotations ?? {},
            receivedAt: Date.now(),
          });
        }
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
