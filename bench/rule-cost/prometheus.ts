/**
 * Runs a real Prometheus (the `prometheus` binary on PATH, Debian 2.42) on 127.0.0.1 over a copy of backfilled
 * blocks with the given rule files, and reads how long each rule group's evaluations take from its own /metrics
 * (`prometheus_rule_group_last_duration_seconds`). Every wait is bounded; the process and its temp dir are gone
 * when `evaluateRules` returns or throws.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RuleRun {
  /** Blocks made by `promtool tsdb create-blocks-from openmetrics`; copied, never written. */
  blocksDir: string;
  /** File name → rule file content. */
  ruleFiles: Record<string, string>;
  /** Global evaluation interval in seconds (the groups set none). */
  intervalS: number;
  /** Evaluations per group skipped at the start (cold caches), then evaluations per group measured. */
  warmup: number;
  rounds: number;
  /** Upper bound for the whole run, ms. */
  timeoutMs: number;
}

export interface RuleCost {
  /** Per measured round, the sum over groups of the last evaluation's duration, ms. */
  roundsMs: number[];
  groups: number;
  /** Per group (`file;name`), its durations in the measured rounds, ms. */
  byGroupMs: Record<string, number[]>;
  /**
   * Prometheus's CPU time (user + system, /proc) from the end of the warm-up to the last round, per evaluation
   * interval, ms: steadier than the durations on a loaded machine, where a group's wall time includes waiting for a
   * CPU and the other groups running at the same time. Includes the benchmark's own /metrics polls.
   */
  cpuPerIntervalMs: number;
  /** Rule evaluation failures Prometheus counted (should be 0). */
  failures: number;
  /** `count(up)`: how many targets' series the blocks hold, as Prometheus sees them. */
  upSeries: number;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; Prometheus binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus over a copy of the blocks, measures, stops it and removes its directory. */
export async function evaluateRules(run: RuleRun): Promise<RuleCost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rules-'));
  let child: ChildProcess | undefined;
  try {
    fs.cpSync(run.blocksDir, path.join(dir, 'data'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'rules'));
    for (const [name, content] of Object.entries(run.ruleFiles)) fs.writeFileSync(path.join(dir, 'rules', name), content);
    const config = `global:\n  evaluation_interval: ${run.intervalS}s\nrule_files:\n  - rules/*.yml\n`;
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
    child = spawn(
      'prometheus',
      [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1d'],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + run.timeoutMs;
    try {
      await waitReady(base, child, deadline);
      const upSeries = Number((await query(base, 'count(up)')) ?? 0);
      const cost = await measure(base, run, deadline, child.pid!);
      return { ...cost, upSeries };
    } catch (e) {
      const tail = fs.readFileSync(path.join(dir, 'prometheus.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`${(e as Error).message}\nprometheus log (last lines):\n${tail}`);
    }
  } finally {
    if (child) await stop(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function get(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

async function waitReady(base: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode} before it was ready`);
    if ((await get(`${base}/-/ready`)) !== undefined) return;
    await sleep(200);
  }
  throw new Error(`prometheus on ${base} not ready before the deadline`);
}

/** The value of an instant query's first sample. */
async function query(base: string, expr: string): Promise<string | undefined> {
  const body = await get(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return body ? (JSON.parse(body).data?.result?.[0]?.value?.[1] as string | undefined) : undefined;
}

/** `name{rule_group="…"} value` lines of one metric, by group. */
function byGroup(metrics: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = new RegExp(`^${name}\\{rule_group="([^"]*)"\\} (\\S+)$`, 'gm');
  for (const m of metrics.matchAll(re)) out.set(m[1], Number(m[2]));
  return out;
}

/**
 * Polls /metrics four times per interval; each group's duration is kept once per new iteration. A round is
 * complete when every group has one more measured evaluation; the result sums each round over the groups.
 */
async function measure(base: string, run: RuleRun, deadline: number, pid: number): Promise<Omit<RuleCost, 'upSeries'>> {
  const seen = new Map<string, { iterations: number; durations: number[] }>();
  const groupCount = Object.keys(run.ruleFiles).length;
  const done = (n: number) => seen.size >= groupCount && [...seen.values()].every((g) => g.durations.length >= n);
  let failures = 0;
  let cpuStart: { at: number; ms: number } | undefined;
  while (!done(run.warmup + run.rounds)) {
    if (!cpuStart && done(run.warmup)) cpuStart = { at: Date.now(), ms: cpuMs(pid) };
    if (Date.now() > deadline) {
      const got = [...seen].map(([g, s]) => `${g}: ${s.durations.length}`).join(', ');
      throw new Error(`rule evaluations did not complete in time: wanted ${run.warmup + run.rounds} per group for ${groupCount} groups, got {${got}}`);
    }
    const metrics = (await get(`${base}/metrics`)) ?? '';
    const iterations = byGroup(metrics, 'prometheus_rule_group_iterations_total');
    const durations = byGroup(metrics, 'prometheus_rule_group_last_duration_seconds');
    for (const [group, n] of iterations) {
      const s = seen.get(group) ?? { iterations: 0, durations: [] };
      if (n > s.iterations && durations.has(group)) s.durations.push(durations.get(group)! * 1000), (s.iterations = n);
      seen.set(group, s);
    }
    failures = [...byGroup(metrics, 'prometheus_rule_evaluation_failures_total').values()].reduce((a, b) => a + b, 0);
    await sleep((run.intervalS * 1000) / 4);
  }
  const cpuPerIntervalMs = ((cpuMs(pid) - cpuStart!.ms) * run.intervalS * 1000) / (Date.now() - cpuStart!.at);
  const groups = [...seen.values()];
  const roundsMs = Array.from({ length: run.rounds }, (_, r) => groups.reduce((sum, g) => sum + g.durations[run.warmup + r], 0));
  const byGroupMs = Object.fromEntries([...seen].map(([g, s]) => [g.replace(/^.*\//, ''), s.durations.slice(run.warmup, run.warmup + run.rounds)]));
  return { roundsMs, byGroupMs, cpuPerIntervalMs, groups: groups.length, failures };
}

/** User + system CPU time of a process so far, ms (Linux /proc; fields 14 and 15 count clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** SIGTERM, then SIGKILL if it has not exited within 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
