/**
 * npm run bench [-- --runs <n>]: how fast is the core?
 *  - synth (validateStack + synthesize, in process) of the dev stack and of generated 10× and 100× stacks
 *    (bench/generate.ts): median of repeated runs after warm-up;
 *  - the floor: serializing the already-rendered objects of the 100× stack (each rendered file parsed back into
 *    plain objects, then only the dump timed: js-yaml with the renderer's options, JSON.stringify for dashboards),
 *    timed right after each 100× synth run so that both see the same load;
 *  - whole-process times of `npm run synth -- --stack dev --out <tmp>` and `npm run check -- --stack dev`, what a
 *    user waits for (npm, node start-up, loading Pulumi for the resource graph, promtool/amtool): median of 5 each.
 *  - rule cost (bench/rule-cost.ts): the generated rule groups of a 100-service stack evaluated by a real Prometheus
 *    over backfilled series, next to the same alerts written by hand (`--skip-rules` leaves it out).
 * Prints a table, then as the last line one JSON object:
 *   {"synthDevMs":…,"synth10xMs":…,"synth100xMs":…,"floor100xMs":…,"synthProcessS":…,"checkDevS":…,
 *    "ruleEval100xMs":…,"ruleEvalBaselineMs":…,"ruleEvalInline100xMs":…,"ruleCpu100xMs":…,"ruleCpuBaselineMs":…}
 * No assertions: docs/performance.md holds the targets and the recorded results.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as yaml from 'js-yaml';
import { validateStack, REPO_ROOT } from '../src/load';
import { synthesize } from '../src/synth';
import { resolveAlerts } from '../src/alerts';
import { scrapeJobs } from '../src/jobs';
import type { StackInput } from '../src/schema';
import { scaledStack } from './generate';
import { benchRuleCost, ruleCostLines, RuleCostResult } from './rule-cost';

const { values } = parseArgs({ options: { runs: { type: 'string' }, 'skip-check': { type: 'boolean' }, 'skip-rules': { type: 'boolean' } }, strict: true });
const RUNS = values.runs ? Math.max(1, Number(values.runs)) : undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dev = require('../stacks/dev').default as StackInput;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

interface Row {
  name: string;
  jobs: number;
  rules: number;
  dashboards: number;
  files: number;
  kib: number;
  runs: number;
  validateMs: number;
  renderMs: number;
  synthMs: number;
  minMs: number;
  maxMs: number;
}

/**
 * Medians of validate + synthesize. With `withFloor`, each run also times the floor right after the synth, so both
 * see the same machine load and their ratio is not skewed by load that changes between two separate loops.
 */
function benchSynth(name: string, input: StackInput, runs: number, warmup: number, withFloor = false): { row: Row; floorMs?: number } {
  let files: Record<string, string> = {};
  for (let i = 0; i < warmup; i++) files = synthesize(validateStack(input, name));
  const floor = withFloor ? floorOf(files) : undefined;
  for (let i = 0; floor && i < warmup; i++) floor();
  const validate: number[] = [];
  const render: number[] = [];
  const total: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < runs; i++) {
    const v = time(() => validateStack(input, name));
    const r = time(() => synthesize(v.value));
    validate.push(v.ms);
    render.push(r.ms);
    total.push(v.ms + r.ms);
    files = r.value;
    if (floor) floors.push(time(floor).ms);
  }
  const stack = validateStack(input, name);
  const paths = Object.keys(files);
  return {
    floorMs: floor ? median(floors) : undefined,
    row: {
      name,
      jobs: scrapeJobs(stack).length,
      rules: resolveAlerts(stack).reduce((n, g) => n + g.rules.length, 0),
      dashboards: paths.filter((p) => /grafana\/dashboards\/.*\.json$/.test(p)).length,
      files: paths.length,
      kib: Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0) / 1024,
      runs,
      validateMs: median(validate),
      renderMs: median(render),
      synthMs: median(total),
      minMs: Math.min(...total),
      maxMs: Math.max(...total),
    },
  };
}

/** The floor: only the serialization of objects that already exist (parsed back from the rendered files). */
function floorOf(files: Record<string, string>): () => number {
  const objects: Array<{ kind: 'yaml' | 'json'; value: unknown }> = [];
  for (const [file, content] of Object.entries(files)) {
    if (/\.ya?ml$/.test(file)) objects.push({ kind: 'yaml', value: yaml.load(content) });
    else if (/\.json$/.test(file)) objects.push({ kind: 'json', value: JSON.parse(content) });
  }
  const dumpAll = () => {
    let n = 0;
    for (const o of objects) {
      n +=
        o.kind === 'yaml'
          ? yaml.dump(o.value, { noRefs: true, lineWidth: -1, sortKeys: false, quotingType: '"' }).length
          : JSON.stringify(o.value, null, 2).length;
    }
    return n;
  };
  return dumpAll;
}

interface ProcessTime {
  seconds?: number;
  note: string;
}

/** Whole-process wall time of `npm run <args>`, median of `runs`; undefined (with the reason) when it fails. */
function benchProcess(args: string[], runs: number, before: () => void = () => undefined): ProcessTime {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before();
    const t0 = performance.now();
    const res = spawnSync('npm', ['run', '--silent', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    const s = (performance.now() - t0) / 1000;
    if (res.error || res.status !== 0) {
      const why = res.error?.message ?? `exit ${res.status}: ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ')}`;
      return { note: `npm run ${args.join(' ')} failed (${why})` };
    }
    times.push(s);
  }
  return { seconds: median(times), note: `median of ${runs} runs, min ${fmt(Math.min(...times), 2)} s, max ${fmt(Math.max(...times), 2)} s` };
}

/** `npm run synth -- --stack dev --out <tmp>`: each run writes a fresh directory, as a first synth would. */
function benchSynthProcess(runs: number): ProcessTime {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const out = path.join(tmp, 'out');
  try {
    return benchProcess(['synth', '--', '--stack', 'dev', '--out', out], runs, () => fs.rmSync(out, { recursive: true, force: true }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const rows: Row[] = [];
  const d = benchSynth('dev', dev, RUNS ?? 50, 5);
  rows.push(d.row);
  const x10 = benchSynth('10x', scaledStack(dev, 10), RUNS ?? 15, 2);
  rows.push(x10.row);
  const x100 = benchSynth('100x', scaledStack(dev, 100), RUNS ?? 9, 1, true);
  rows.push(x100.row);
  const floor = x100.floorMs!;
  const skipped: ProcessTime = { note: 'skipped (--skip-check)' };
  const synthProcess = values['skip-check'] ? skipped : benchSynthProcess(5);
  const check = values['skip-check'] ? skipped : benchProcess(['check', '--', '--stack', 'dev'], 5);
  const rules = values['skip-rules'] ? undefined : await ruleCost();

  const header = ['stack', 'jobs', 'rules', 'dashboards', 'files', 'KiB', 'runs', 'validate ms', 'render ms', 'synth ms (median)', 'min', 'max'];
  const lines = rows.map((r) => [r.name, r.jobs, r.rules, r.dashboards, r.files, fmt(r.kib, 0), r.runs, fmt(r.validateMs), fmt(r.renderMs), fmt(r.synthMs), fmt(r.minMs), fmt(r.maxMs)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out: string[] = [];
  out.push(`node ${process.version}, ${os.cpus().length} CPU × ${os.cpus()[0]?.model ?? 'unknown'}`);
  out.push(line(header), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(line));
  out.push('');
  const ratio = x100.row.synthMs / x10.row.synthMs;
  const overFloor = x100.row.synthMs / floor;
  const target = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  out.push(`synth dev            ${fmt(d.row.synthMs)} ms     target ≤ 50 ms      ${target(d.row.synthMs <= 50)}`);
  out.push(`synth 100x           ${fmt(x100.row.synthMs)} ms    target ≤ 2000 ms    ${target(x100.row.synthMs <= 2000)}`);
  out.push(`100x / 10x           ${fmt(ratio, 2)}        target ≤ 12         ${target(ratio <= 12)}`);
  out.push(`floor 100x           ${fmt(floor)} ms     100x / floor = ${fmt(overFloor, 2)}, target ≤ 3   ${target(overFloor <= 3)}`);
  const processLine = (label: string, t: ProcessTime, limit: number) =>
    `${label}${t.seconds === undefined ? 'n/a   ' : `${fmt(t.seconds, 2)} s`}       target ≤ ${limit} s      ${t.seconds === undefined ? 'NOT MEASURED' : target(t.seconds <= limit)}  (${t.note})`;
  out.push(processLine('synth dev (process)  ', synthProcess, 1.5));
  out.push(processLine('check dev (process)  ', check, 2));
  if (rules && 'error' in rules) out.push(`rule cost            NOT MEASURED (${rules.error})`);
  else if (rules) out.push('', ...ruleCostLines(rules));
  out.push(`load average         ${os.loadavg().map((l) => fmt(l, 2)).join(' ')} on ${os.availableParallelism()} CPUs (process times grow with it)`);
  process.stdout.write(`${out.join('\n')}\n`);
  const result = {
    synthDevMs: round(d.row.synthMs),
    synth10xMs: round(x10.row.synthMs),
    synth100xMs: round(x100.row.synthMs),
    floor100xMs: round(floor),
    synthProcessS: synthProcess.seconds === undefined ? null : round(synthProcess.seconds, 2),
    checkDevS: check.seconds === undefined ? null : round(check.seconds, 2),
    ...ruleFigures(rules),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The rule-cost benchmark, or why it could not run (e.g. no `prometheus` binary): the other figures still print. */
async function ruleCost(): Promise<RuleCostResult | { error: string }> {
  try {
    return await benchRuleCost(dev);
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

function ruleFigures(r: RuleCostResult | { error: string } | undefined): Record<string, number | null> {
  const ok = r && !('error' in r) ? r : undefined;
  return {
    ruleEval100xMs: ok ? round(ok.generated.medianMs) : null,
    ruleEvalBaselineMs: ok ? round(ok.baseline.medianMs) : null,
    ruleEvalInline100xMs: ok ? round(ok.inline.medianMs) : null,
    ruleCpu100xMs: ok ? round(ok.generated.cpuMs) : null,
    ruleCpuBaselineMs: ok ? round(ok.baseline.cpuMs) : null,
  };
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

