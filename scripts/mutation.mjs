#!/usr/bin/env node
// npm run test:mutation [-- GROUP ...]: runs StrykerJS once per group (scripts/mutation-groups.js), one after the
// other. Each finished group is recorded in docs/mutation/<group>.json (per-file counts, a hash of each source file,
// the surviving mutants), and docs/mutation/summary.md is rebuilt from every record, marking files whose source
// changed since their group ran. Stryker's incremental file of each group is kept, gzipped, in
// docs/mutation/<group>.incremental.json.gz: a later run, on any machine, re-tests only the mutants whose file or
// covering tests changed, and an interrupted group (Ctrl-C) resumes where it stopped.
//   --record GROUP ...   record reports/mutation/<group>.json of a run made elsewhere, then rebuild the summary
//   --summary            only rebuild the summary
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';

const { GROUPS } = createRequire(import.meta.url)('./mutation-groups.js');
const REPORTS = 'reports/mutation';
const RECORDS = 'docs/mutation';
// Stryker's definitions: score = detected / (detected + survived + no coverage); "covered" leaves out no coverage.
const DETECTED = ['Killed', 'Timeout'];
const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'RuntimeError', 'Ignored'];

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const git = (...args) => spawnSync('git', args, { encoding: 'utf8' }).stdout.trim();

const incremental = (name) => `${REPORTS}/${name}.incremental.json`;
const keptIncremental = (name) => `${RECORDS}/${name}.incremental.json.gz`;

/** Stryker's incremental file from the kept copy, unless this checkout already has a newer one. */
function restoreIncremental(name) {
  if (fs.existsSync(incremental(name)) || !fs.existsSync(keptIncremental(name))) return;
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.writeFileSync(incremental(name), gunzipSync(fs.readFileSync(keptIncremental(name))));
}

function keepIncremental(name) {
  if (!fs.existsSync(incremental(name))) return;
  fs.mkdirSync(RECORDS, { recursive: true });
  fs.writeFileSync(keptIncremental(name), gzipSync(fs.readFileSync(incremental(name)), { level: 9 }));
}

let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true; // Stryker (same process group) saves its incremental file; keep it, then stop.
});

function runGroup(name) {
  console.log(`\n=== mutation group ${name}: ${GROUPS[name].mutate.join(', ')}`);
  const started = Date.now();
  restoreIncremental(name);
  const res = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATION_GROUP: name } });
  keepIncremental(name);
  const minutes = Math.round((Date.now() - started) / 60000);
  console.log(`=== ${name}: exit ${res.status}, ${minutes} min`);
  return res.status === 0 ? minutes : undefined;
}

/** The compact, committed record of one group's Stryker JSON report (mutation-testing-report-schema). */
function record(name, minutes) {
  const report = JSON.parse(fs.readFileSync(`${REPORTS}/${name}.json`, 'utf8'));
  const files = {};
  for (const [path, { source, mutants }] of Object.entries(report.files)) {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, mutants.filter((m) => m.status === s).length]));
    const survivors = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .sort((a, b) => a.location.start.line - b.location.start.line)
      .map((m) => `${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} ${JSON.stringify(m.replacement ?? '')}`);
    files[path] = { sha256: sha256(source), counts, survivors };
  }
  const entry = { group: name, commit: git('rev-parse', '--short', 'HEAD'), date: fs.statSync(`${REPORTS}/${name}.json`).mtime.toISOString(),
    minutes, tests: GROUPS[name].tests, files };
  fs.mkdirSync(RECORDS, { recursive: true });
  fs.writeFileSync(`${RECORDS}/${name}.json`, `${JSON.stringify(entry, null, 1)}\n`);
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(2)} %` : 'n/a');
const of = (c, keys) => keys.reduce((s, k) => s + (c[k] ?? 0), 0);

function row(label, c) {
  const detected = of(c, DETECTED);
  const valid = detected + of(c, ['Survived', 'NoCoverage']);
  return `| ${[label, pct(detected, valid), pct(detected, valid - c.NoCoverage), ...STATUSES.map((s) => c[s])].join(' | ')} |`;
}

/** docs/mutation/summary.md from every record: per-file and total scores, stale files, missing groups. */
function summary() {
  const records = Object.keys(GROUPS).filter((g) => fs.existsSync(`${RECORDS}/${g}.json`))
    .map((g) => JSON.parse(fs.readFileSync(`${RECORDS}/${g}.json`, 'utf8')));
  const total = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const rows = [];
  const stale = [];
  for (const r of records) {
    for (const [path, f] of Object.entries(r.files)) {
      if (!fs.existsSync(path) || sha256(fs.readFileSync(path, 'utf8')) !== f.sha256) stale.push(path);
      rows.push(row(`${path} (${r.group}, ${r.commit})`, f.counts));
      for (const s of STATUSES) total[s] += f.counts[s];
    }
  }
  const missing = Object.keys(GROUPS).filter((g) => !records.some((r) => r.group === g));
  const lines = ['# Mutation score (generated by `npm run test:mutation`; analysis in docs/testing.md)', '',
    '| file (group, commit) | score | score (covered) | killed | timeout | survived | no coverage | type error | runtime error | static (ignored) |',
    '|---|---|---|---|---|---|---|---|---|---|', ...rows.sort(), row('**all**', total), '',
    `Groups not run yet: ${missing.join(', ') || 'none'}.`, `Files changed since their group ran: ${stale.join(', ') || 'none'}.`];
  fs.mkdirSync(RECORDS, { recursive: true });
  fs.writeFileSync(`${RECORDS}/summary.md`, `${lines.join('\n')}\n`);
  console.log(`\n${lines.join('\n')}`);
}

const args = process.argv.slice(2);
const groups = args.filter((a) => !a.startsWith('--'));
const unknown = groups.filter((g) => !GROUPS[g]);
if (unknown.length) {
  console.error(`unknown mutation group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
let failed = [];
if (args.includes('--record')) groups.forEach((g) => record(g));
else if (!args.includes('--summary')) {
  failed = (groups.length ? groups : Object.keys(GROUPS)).filter((g) => {
    if (interrupted) return true;
    const minutes = runGroup(g);
    if (minutes !== undefined) record(g, minutes);
    return minutes === undefined;
  });
}
summary();
process.exit(failed.length ? 1 : 0);
