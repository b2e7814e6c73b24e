#!/usr/bin/env node
// npm run test:mutation [-- GROUP ...] [-- --summary]: runs StrykerJS once per group (scripts/mutation-groups.js),
// one after the other, then merges every group's JSON report into one score table (reports/mutation/summary.md).
// A group's incremental file lets an interrupted run resume. --summary only merges the reports already there.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';

const { GROUPS } = createRequire(import.meta.url)('./mutation-groups.js');
const REPORTS = 'reports/mutation';
const DETECTED = ['Killed', 'Timeout'];
const COUNTED = [...DETECTED, 'Survived', 'NoCoverage'];

function runGroup(name) {
  console.log(`\n=== mutation group ${name}: ${GROUPS[name].mutate.join(', ')}`);
  const started = Date.now();
  const res = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATION_GROUP: name } });
  console.log(`=== ${name}: exit ${res.status}, ${Math.round((Date.now() - started) / 60000)} min`);
  return res.status === 0;
}

/** Per-file counts of each mutant status from the groups' reports (mutation-testing-report-schema). */
function countsByFile() {
  const byFile = {};
  for (const name of Object.keys(GROUPS)) {
    const file = `${REPORTS}/${name}.json`;
    if (!fs.existsSync(file)) continue;
    for (const [path, { mutants }] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')).files)) {
      const counts = (byFile[path] ??= { group: name });
      for (const m of mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
    }
  }
  return byFile;
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(2)} %` : 'n/a');
const sum = (c, keys) => keys.reduce((s, k) => s + (c[k] ?? 0), 0);

function row(label, c) {
  const detected = sum(c, DETECTED);
  const cells = [label, pct(detected, sum(c, COUNTED)), pct(detected, sum(c, COUNTED) - (c.NoCoverage ?? 0)),
    c.Killed ?? 0, c.Timeout ?? 0, c.Survived ?? 0, c.NoCoverage ?? 0, c.CompileError ?? 0, c.RuntimeError ?? 0, c.Ignored ?? 0];
  return `| ${cells.join(' | ')} |`;
}

function summary() {
  const byFile = countsByFile();
  const total = {};
  const lines = ['| file | score (total) | score (covered) | killed | timeout | survived | no coverage | type error | runtime error | ignored (static) |',
    '|---|---|---|---|---|---|---|---|---|---|'];
  for (const path of Object.keys(byFile).sort()) {
    lines.push(row(path, byFile[path]));
    for (const [k, v] of Object.entries(byFile[path])) if (k !== 'group') total[k] = (total[k] ?? 0) + v;
  }
  lines.push(row('**all**', total));
  const missing = Object.keys(GROUPS).filter((g) => !fs.existsSync(`${REPORTS}/${g}.json`));
  if (missing.length) lines.push('', `Groups without a report (not in this table): ${missing.join(', ')}`);
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.writeFileSync(`${REPORTS}/summary.md`, `${lines.join('\n')}\n`);
  console.log(`\n${lines.join('\n')}\n\n(written to ${REPORTS}/summary.md)`);
}

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--summary' && !GROUPS[a]);
if (unknown.length) {
  console.error(`unknown mutation group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const groups = args.includes('--summary') ? [] : args.length ? args : Object.keys(GROUPS);
const failed = groups.filter((g) => !runGroup(g));
summary();
process.exit(failed.length ? 1 : 0);
