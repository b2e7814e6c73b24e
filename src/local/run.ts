/**
 * Runs a stack as local processes (`npm run try`): the demo app, Alertmanager and Prometheus from the Debian
 * packages, with the loopback rendering of the stack (loopback.ts) and the local inbox (inbox.ts) as every
 * receiver. A session owns its temp dir and processes; `stop()` ends them all and removes the dir, whatever
 * point start-up reached.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, validateStack } from '../load';
import { resendDelay } from '../containers';
import { externalUrlFlags } from '../links';
import type { Stack } from '../schema';
import { parseDuration } from '../duration';
import { Delivery, Inbox, startInbox } from './inbox';
import { getJson, isReady } from './http';
import { LoopbackPorts, loopbackStackInput, writeLoopbackFiles } from './loopback';
import { freePort, Proc, requireBinary, requireFreePort, startProcess, stopProcess, waitFor } from './processes';

/** Start-up of a process (not a config interval): Node with tsx, Go binaries opening their storage, a loaded box. */
export const STARTUP_MS = 60_000;
/** Requests per second the demo app serves itself, so ratios have traffic to work on. */
const DEMO_RPS = 50;

export interface SessionOptions {
  stack: Stack;
  source: string;
  /** Ports the user chose, by component, with the flag that set each (for the message when it is taken). */
  ports: Partial<Record<keyof LoopbackPorts, { port: number; flag: string }>>;
  onProgress: (line: string) => void;
  onDelivery: (d: Delivery) => void;
}

export interface Running {
  stack: Stack;
  ports: LoopbackPorts;
  procs: Proc[];
  tmp: string;
  urls: { prometheus: string; alertmanager: string; demo: string };
}

export class LocalSession {
  readonly procs: Proc[] = [];
  tmp?: string;
  private inbox?: Inbox;
  private stopping?: Promise<void>;

  /** Start-up checks this after each wait, so nothing starts (or is written) after stop(). */
  private checkNotStopped(): void {
    if (this.stopping) throw new Error('stopped while starting');
  }

  /** Starts everything and waits until every scrape target is up; on failure stops what it started, then throws. */
  async start(opts: SessionOptions): Promise<Running> {
    // Binaries and ports first: a refusal leaves nothing behind.
    const bins = {
      prometheus: requireBinary('PROMETHEUS_BIN', ['prometheus']),
      alertmanager: requireBinary('ALERTMANAGER_BIN', ['prometheus-alertmanager', 'alertmanager']),
    };
    const ports = await choosePorts(opts.ports);
    this.checkNotStopped();
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-try-'));
    const inbox = await startInbox({ port: ports.inbox, onDelivery: opts.onDelivery });
    if (this.stopping) await inbox.close();
    this.checkNotStopped();
    this.inbox = inbox;
    // From here to the waits below nothing yields, so stop() sees every process started.
    const stack = validateStack(loopbackStackInput(opts.stack, ports), `${opts.source} (rendered for 127.0.0.1)`);
    const files = writeLoopbackFiles(stack, path.join(this.tmp, 'files'), ports);
    const logs = path.join(this.tmp, 'logs');
    fs.mkdirSync(logs);
    const spawnIn = (name: string, bin: string, args: string[], cwd = this.tmp!) =>
      this.procs.push(startProcess(name, bin, args, { cwd, logFile: path.join(logs, `${name}.log`) }));
    // The demo app runs from the repository, where `--import tsx` resolves.
    spawnIn('demo-app', process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'examples/demo-app/main.ts'), '--port', String(ports.demo), '--log-dir', path.join(this.tmp, 'demo-logs'), '--rps', String(DEMO_RPS)], REPO_ROOT);
    // As deployed (src/pulumi/*Command): external URLs for the links in notifications, Prometheus' resend delay.
    spawnIn('alertmanager', bins.alertmanager, [`--config.file=${files.alertmanager}`, `--storage.path=${path.join(this.tmp, 'alertmanager-data')}`, `--web.listen-address=127.0.0.1:${ports.alertmanager}`, '--cluster.listen-address=', ...externalUrlFlags(stack, 'alertmanager'), '--log.level=warn']);
    spawnIn('prometheus', bins.prometheus, [`--config.file=${files.prometheus}`, `--storage.tsdb.path=${path.join(this.tmp, 'prometheus-data')}`, `--web.listen-address=127.0.0.1:${ports.prometheus}`, ...externalUrlFlags(stack, 'prometheus'), `--rules.alert.resend-delay=${resendDelay(stack)}`, '--log.level=warn']);
    opts.onProgress(`started ${this.procs.map((p) => `${p.name} (pid ${p.child.pid})`).join(', ')}; files and logs in ${this.tmp}`);
    const base = (port: number) => `http://127.0.0.1:${port}`;
    const urls = { prometheus: base(ports.prometheus), alertmanager: base(ports.alertmanager), demo: base(ports.demo) };
    await this.waitReady(urls, opts.onProgress);
    await this.waitTargets(stack, urls.prometheus, opts.onProgress);
    return { stack, ports, procs: this.procs, tmp: this.tmp, urls };
  }

  private async waitReady(urls: Running['urls'], progress: (line: string) => void): Promise<void> {
    const t0 = Date.now();
    const ready = async (name: string, url: string) => {
      await waitFor(`${name} to answer ${url}`, isReady(url), { timeoutMs: STARTUP_MS, intervalMs: 250, procs: this.procs });
      progress(`  ${name} is ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    };
    progress('waiting for the processes to be ready …');
    await Promise.all([
      ready('demo-app', `${urls.demo}/healthz`),
      ready('alertmanager', `${urls.alertmanager}/-/ready`),
      ready('prometheus', `${urls.prometheus}/-/ready`),
    ]);
  }

  /** Every scrape target up: bounded by a few scrape intervals after Prometheus is ready, plus start-up slack. */
  private async waitTargets(stack: Stack, prom: string, progress: (line: string) => void): Promise<void> {
    const bound = 3 * parseDuration(stack.prometheus.scrapeInterval) + parseDuration(stack.prometheus.scrapeTimeout) + 20_000;
    let shown = '';
    await waitFor(
      'every scrape target to be up',
      async () => {
        const res = await getJson(`${prom}/api/v1/targets?state=active`);
        const targets: Array<{ labels: { job: string }; health: string }> = res.data.activeTargets;
        const down = targets.filter((t) => t.health !== 'up').map((t) => t.labels.job);
        const line = `  scrape targets up: ${targets.length - down.length}/${targets.length}${down.length ? ` (waiting for ${down.join(', ')})` : ''}`;
        if (targets.length > 0 && line !== shown) progress((shown = line));
        return targets.length > 0 && down.length === 0 ? true : undefined;
      },
      { timeoutMs: bound, intervalMs: 500, procs: this.procs },
    );
  }

  /** A promise that settles when one of the processes ends by itself (with its name and reason). */
  unexpectedExit(): Promise<string> {
    return Promise.race(this.procs.map((p) => new Promise<string>((resolve) => p.child.once('exit', () => resolve(`${p.name} ${p.exited() ?? 'exited'}`)))));
  }

  /** Stops every process, closes the inbox and removes the temp dir; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.procs.map((p) => stopProcess(p)));
      await this.inbox?.close();
      if (this.tmp) fs.rmSync(this.tmp, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

/** The user's ports (refused when taken), a free one from the kernel for the rest. */
async function choosePorts(chosen: SessionOptions['ports']): Promise<LoopbackPorts> {
  const out = {} as LoopbackPorts;
  const names = ['prometheus', 'alertmanager', 'demo', 'inbox'] as const;
  for (const name of names) {
    const c = chosen[name];
    if (!c) continue;
    const twice = names.find((other) => other !== name && chosen[other]?.port === c.port);
    if (twice) throw new Error(`port ${c.port} is given to both ${c.flag} and ${chosen[twice]!.flag}; expected a port each`);
    out[name] = await requireFreePort(c.port, c.flag);
  }
  // The kernel may hand out a released port again: ask until each is different.
  for (const name of names) {
    for (let i = 0; out[name] === undefined && i < 20; i++) {
      const port = await freePort();
      if (!Object.values(out).includes(port)) out[name] = port;
    }
    if (out[name] === undefined) throw new Error(`no free port on 127.0.0.1 for ${name}`);
  }
  return out;
}
