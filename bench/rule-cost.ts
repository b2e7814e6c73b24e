/**
 * Rule cost: what the generated rule groups of a 100-service stack cost the Prometheus that evaluates them, next to
 * the same alerts written by hand (bench/fixtures/hand-written-rules.yml, seed 003's style).
 *
 * Synthetic series for every service × seed metric family (bench/rule-cost/series.ts) are backfilled with
 * `promtool tsdb create-blocks-from openmetrics` (16 minutes up to now, one sample per scrape interval); a real
 * Prometheus on 127.0.0.1 then evaluates one rule set at a time at a 2 s interval over a copy of the blocks
 * (bench/rule-cost/prometheus.ts). Per evaluation round the figure is the sum over groups of
 * `prometheus_rule_group_last_duration_seconds`; each rule set's figure is the median over its rounds. The runs
 * go generated, hand-written, hand-written, generated, so that both see the data equally fresh.
 *
 * `npm run bench` calls it; alone: `node scripts/run.cjs bench/rule-cost.ts [--services 100]`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { validateStack, REPO_ROOT } from '../src/load';
import { synthesize } from '../src/synth';
import { scrapeJobs } from '../src/jobs';
import { parseDuration } from '../src/duration';
import { resolveAlerts } from '../src/alerts';
import { ruleFile } from '../src/render/rules';
import { toYaml } from '../src/yaml';
import type { Stack, StackInput } from '../src/schema';
import { ruleCostStack } from './rule-cost/stack';
import { seriesOf, writeOpenMetrics } from './rule-cost/series';
import { evaluateRules, RuleCost } from './rule-cost/prometheus';

export const BASELINE_FILE = path.join(REPO_ROOT, 'bench', 'fixtures', 'hand-written-rules.yml');
const HISTORY_MS = 16 * 60_000;
const INTERVAL_S = 2;

export interface RuleCostResult {
  services: number;
  series: number;
  samples: number;
  generated: RuleSetCost;
  /** The generated rules with every expression inline (no recording rules): the "before". */
  inline: RuleSetCost;
  baseline: RuleSetCost;
}

export interface RuleSetCost {
  label: string;
  groups: number;
  rules: number;
  /** Median over the measured rounds of the per-round sum over groups, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  rounds: number;
  failures: number;
  /** Median over runs of Prometheus's CPU time per evaluation interval, ms. */
  cpuMs: number;
  /** Per group, the median of its own evaluation durations, ms. */
  byGroupMs: Record<string, number>;
}

/** The generated rule files of a stack, by file name (as synth writes them, or with every expression inline). */
export function generatedRuleFiles(stack: Stack, options: { inline?: boolean } = {}): Record<string, string> {
  if (options.inline) return Object.fromEntries(resolveAlerts(stack).map((g) => [`${g.name}.yml`, toYaml(ruleFile(g, { inline: true }), '')]));
  const prefix = 'files/prometheus/rules/';
  return Object.fromEntries(
    Object.entries(synthesize(stack))
      .filter(([p]) => p.startsWith(prefix))
      .map(([p, content]) => [p.slice(prefix.length), content]),
  );
}

/** Backfills `services` services' series into `dir`/blocks; returns the counts. */
export function backfill(stack: Stack, dir: string): { blocks: string; series: number; samples: number } {
  const file = path.join(dir, 'series.om');
  const step = parseDuration(stack.prometheus.scrapeInterval);
  const counts = writeOpenMetrics(file, seriesOf(scrapeJobs(stack)), { end: Date.now(), history: HISTORY_MS, step });
  const blocks = path.join(dir, 'blocks');
  const res = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, blocks], { encoding: 'utf8', timeout: 300_000 });
  fs.rmSync(file, { force: true });
  if (res.error || res.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics failed: ${res.error?.message ?? res.stderr}`);
  return { blocks, ...counts };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const countRules = (files: Record<string, string>) => Object.values(files).reduce((n, c) => n + (c.match(/^\s*- (alert|record):/gm)?.length ?? 0), 0);

function summarize(label: string, files: Record<string, string>, runs: RuleCost[]): RuleSetCost {
  const rounds = runs.flatMap((r) => r.roundsMs);
  return {
    label,
    groups: runs[0].groups,
    rules: countRules(files),
    medianMs: median(rounds),
    minMs: Math.min(...rounds),
    maxMs: Math.max(...rounds),
    rounds: rounds.length,
    failures: Math.max(...runs.map((r) => r.failures)),
    cpuMs: median(runs.map((r) => r.cpuPerIntervalMs)),
    byGroupMs: Object.fromEntries(Object.keys(runs[0].byGroupMs).map((g) => [g, median(runs.flatMap((r) => r.byGroupMs[g] ?? []))])),
  };
}

/** The whole benchmark: backfill, then the generated and the hand-written rules in turn. */
export async function benchRuleCost(dev: StackInput, services = 100, rounds = 5): Promise<RuleCostResult> {
  const stack = validateStack(ruleCostStack(dev, services), `rule-cost ${services} services`);
  const sets = { generated: generatedRuleFiles(stack), inline: generatedRuleFiles(stack, { inline: true }), baseline: { 'hand-written.yml': fs.readFileSync(BASELINE_FILE, 'utf8') } };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rule-cost-'));
  try {
    const data = backfill(stack, dir);
    const run = async (ruleFiles: Record<string, string>) => {
      const cost = await evaluateRules({ blocksDir: data.blocks, ruleFiles, intervalS: INTERVAL_S, warmup: 2, rounds, timeoutMs: 180_000 });
      const expected = stack.scrapeTargets.reduce((n, t) => n + t.targets.length, 0);
      if (cost.upSeries < expected) throw new Error(`Prometheus sees ${cost.upSeries} up series, expected at least ${expected}: backfill not loaded`);
      return cost;
    };
    // There and back, so that each rule set sees the data on average equally fresh.
    const order = ['generated', 'inline', 'baseline', 'baseline', 'inline', 'generated'] as const;
    const costs: Record<(typeof order)[number], RuleCost[]> = { generated: [], inline: [], baseline: [] };
    for (const set of order) costs[set].push(await run(sets[set]));
    return {
      services,
      series: data.series,
      samples: data.samples,
      generated: summarize('generated', sets.generated, costs.generated),
      inline: summarize('inline', sets.inline, costs.inline),
      baseline: summarize('hand-written', sets.baseline, costs.baseline),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** The table rows and target lines `npm run bench` prints. */
export function ruleCostLines(r: RuleCostResult): string[] {
  const row = (s: RuleSetCost) =>
    `| ${s.label.padEnd(12)} | ${String(s.groups).padStart(6)} | ${String(s.rules).padStart(5)} | ${String(s.rounds).padStart(6)} | ${fmt(s.medianMs).padStart(9)} | ${fmt(s.minMs).padStart(7)} | ${fmt(s.maxMs).padStart(7)} | ${String(s.failures).padStart(8)} | ${fmt(s.cpuMs).padStart(17)} |`;
  const ratio = r.generated.medianMs / r.baseline.medianMs;
  const target = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  return [
    `rule evaluation in Prometheus ${INTERVAL_S} s interval: ${r.services} services, ${r.series} series, ${r.samples} samples backfilled`,
    '| rules        | groups | rules | rounds | median ms |  min ms |  max ms | failures | CPU ms / interval |',
    '|:-------------|-------:|------:|-------:|----------:|--------:|--------:|---------:|------------------:|',
    row(r.generated),
    row(r.inline),
    row(r.baseline),
    `rules 100 services   ${fmt(r.generated.medianMs)} ms     target ≤ 50 ms      ${target(r.generated.medianMs <= 50)}`,
    `generated / by hand  ${fmt(ratio, 2)}        target ≤ 1.2        ${target(ratio <= 1.2)}   (CPU: ${fmt(r.generated.cpuMs / r.baseline.cpuMs, 2)})`,
    `per group (median ms): ${[r.generated, r.inline, r.baseline].flatMap((s) => Object.entries(s.byGroupMs).map(([g, ms]) => `${s.label}/${g.replace(/\.yml;.*/, '')} ${fmt(ms)}`)).join(', ')}`,
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { services: { type: 'string' }, rounds: { type: 'string' } }, strict: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dev = require('../stacks/dev').default as StackInput;
  const r = await benchRuleCost(dev, Number(values.services ?? 100), Number(values.rounds ?? 5));
  process.stdout.write(`${ruleCostLines(r).join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ ruleEval100xMs: Math.round(r.generated.medianMs * 10) / 10, ruleEvalBaselineMs: Math.round(r.baseline.medianMs * 10) / 10 })}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
