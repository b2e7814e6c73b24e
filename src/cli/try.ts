/**
 * npm run try [-- --stack dev | --config <file>] [--for 10m] [--prometheus-port N] [--alertmanager-port N]
 *                [--demo-port N] [--inbox-port N]
 * Runs the stack as local processes (no Docker): the demo app, Prometheus and Alertmanager rendered for
 * 127.0.0.1 (src/local/loopback.ts), every receiver a local inbox that prints each notification as it arrives.
 * Stops everything it started, and removes its temp dir, on Ctrl-C (SIGINT/SIGTERM), when --for runs out, or on
 * an error. A taken port or a missing binary is refused with one line and exit 1.
 * The script runs `node --import tsx`, one process, not the tsx CLI: the tsx CLI SIGKILLs its child when the child
 * does not acknowledge a Ctrl-C within 30 ms, which on a loaded machine cut the clean-up short.
 */
import { loadStack } from '../load';
import { parseDuration } from '../duration';
import { formatDelivery } from '../local/inbox';
import { LoopbackPorts, LOOPBACK_TIMINGS, notStarted } from '../local/loopback';
import { LocalSession, Running } from '../local/run';
import { tail } from '../local/processes';
import { EXIT_BAD_INPUT, parseCommandLine, runCommand } from './args';

const USAGE =
  'npm run try -- [--stack <name> | --config <file.yaml|json>] [--for <duration, e.g. 10m>] [--prometheus-port N] [--alertmanager-port N] [--demo-port N] [--inbox-port N]';
const PORT_FLAGS = { prometheus: 'prometheus-port', alertmanager: 'alertmanager-port', demo: 'demo-port', inbox: 'inbox-port' } as const;
const out = (line: string) => process.stdout.write(`${line}\n`);

class BadFlag extends Error {}

void runCommand(async () => {
  const args = parseCommandLine(USAGE, {
    stack: { type: 'string' },
    config: { type: 'string' },
    for: { type: 'string' },
    ...Object.fromEntries(Object.values(PORT_FLAGS).map((f) => [f, { type: 'string' as const }])),
  });
  if (args.help) {
    out(`usage: ${USAGE}`);
    return 0;
  }
  let forMs: number | undefined;
  let ports: Partial<Record<keyof LoopbackPorts, { port: number; flag: string }>>;
  try {
    forMs = args.for === undefined ? undefined : durationFlag(args.for);
    ports = portFlags(args as Record<string, string | undefined>);
  } catch (err) {
    if (!(err instanceof BadFlag)) throw err;
    process.stderr.write(`${err.message}\nusage: ${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  const { stack, source } = loadStack(args.config === undefined && args.stack === undefined ? { stack: 'dev' } : args);
  return run(stack, source, ports, forMs);
});

function durationFlag(text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms > 0) return ms;
  } catch {
    // Reported below.
  }
  throw new BadFlag(`--for: expected a duration such as 90s, 2m or 1h, got ${JSON.stringify(text)}`);
}

function portFlags(args: Record<string, string | undefined>): Partial<Record<keyof LoopbackPorts, { port: number; flag: string }>> {
  const ports: Partial<Record<keyof LoopbackPorts, { port: number; flag: string }>> = {};
  for (const [component, flag] of Object.entries(PORT_FLAGS) as Array<[keyof LoopbackPorts, string]>) {
    const text = args[flag];
    if (text === undefined) continue;
    const port = Number(text);
    if (!/^[0-9]+$/.test(text) || port < 1 || port > 65535) throw new BadFlag(`--${flag}: expected a port from 1 to 65535, got ${JSON.stringify(text)}`);
    ports[component] = { port, flag: `--${flag}` };
  }
  return ports;
}

/** Starts the session, prints where to look, waits for a signal, --for or a process ending; always cleans up. */
async function run(stack: Parameters<LocalSession['start']>[0]['stack'], source: string, ports: Parameters<LocalSession['start']>[0]['ports'], forMs?: number): Promise<number> {
  const session = new LocalSession();
  const stopRequested = new Promise<string>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => resolve(`${sig} received`));
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    out(`npm run try: stack ${stack.name} (${source}) as local processes on 127.0.0.1, no Docker`);
    const started = session.start({ stack, source, ports, onProgress: out, onDelivery: (d) => out(formatDelivery(d)) });
    const running = await Promise.race([started, stopRequested.then((why) => ({ stopped: why }))]);
    if ('stopped' in running) return stopped(running.stopped, session);
    printGuide(stack, running, forMs);
    const expired = new Promise<string>((resolve) => {
      if (forMs !== undefined) timer = setTimeout(() => resolve(`--for ${formatFor(forMs)} is over`), forMs);
    });
    const died = session.unexpectedExit().then((why) => {
      throw new Error(`${why}; its log:\n${tail(session.procs.find((p) => why.startsWith(p.name))?.logFile ?? '')}`);
    });
    return stopped(await Promise.race([stopRequested, expired, died]), session);
  } finally {
    clearTimeout(timer);
    await session.stop();
  }
}

async function stopped(why: string, session: LocalSession): Promise<number> {
  out(`${why}: stopping ${session.procs.map((p) => `${p.name} (pid ${p.child.pid})`).join(', ') || 'nothing started yet'}`);
  await session.stop();
  out(`stopped; removed ${session.tmp ?? 'nothing'}`);
  return 0;
}

const formatFor = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

function printGuide(stack: Parameters<LocalSession['start']>[0]['stack'], r: Running, forMs?: number): void {
  const t = LOOPBACK_TIMINGS;
  const faults = `${r.urls.demo}/faults`;
  out('');
  out(`ready: scrape and evaluation every ${t.scrapeInterval}, every alert's "for" at most ${t.for}, rate windows at most ${t.window}`);
  out(`  Prometheus alerts   ${r.urls.prometheus}/alerts`);
  out(`  Alertmanager        ${r.urls.alertmanager}/#/alerts`);
  out(`  Demo app metrics    ${r.urls.demo}/metrics`);
  for (const n of notStarted(stack)) out(`  not started: ${n.component.padEnd(8)} ${n.reason}`);
  out('inject a fault (half the requests fail with 5xx), then clear it:');
  out(`  curl -s -X POST ${faults} -H 'content-type: application/json' -d '{"errorRate":0.5}'`);
  out(`  curl -s -X DELETE ${faults}`);
  out(`  other faults: -d '{"latencyMs":6000}'  -d '{"dependencyDown":"redis"}'  (see ${faults})`);
  out(`notifications as they arrive (time, receiver, status, alert, summary); ${forMs === undefined ? 'Ctrl-C stops everything' : `stops after ${formatFor(forMs)} or on Ctrl-C`}:`);
}
