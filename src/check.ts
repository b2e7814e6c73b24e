/**
 * `check`: validates synth output with the real tools. promtool checks prometheus.yml and the rule files and runs
 * the generated rule tests; amtool checks alertmanager.yml and that every route is reachable: an alert carrying a
 * route's matchers must reach that route's receiver. A missing tool is a failure, never a skip.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RouteConfig, Stack } from './schema';
import { parseMatcher } from './promql';
import type { CheckResult, ExtraCheck } from './check-result';
import { registryChecks } from './checks/run';
import { kubernetesChecks } from './checks/kubernetes';
import { amtoolCompatibleText } from './amtool-compat';
import { earlierPass, rememberPass, runKey } from './tool-cache';

export { amtoolCompatibleText };

export type { CheckResult, ExtraCheck } from './check-result';
// The named checks of the registry (src/checks/index.ts), the dashboard checks among them.
// The kubernetes manifest checks (src/checks/kubernetes/) run for a stack with a kubernetes target only.
export const extraChecks: ExtraCheck[] = [registryChecks, kubernetesChecks];

interface Tool {
  name: 'promtool' | 'amtool';
  path?: string;
  hint: string;
}

export function findTool(name: Tool['name']): Tool {
  const env = process.env[name.toUpperCase()];
  const hint =
    name === 'promtool'
      ? 'install the Debian/Ubuntu package "prometheus" (apt-get install prometheus) or set PROMTOOL=/path/to/promtool'
      : 'install the Debian/Ubuntu package "prometheus-alertmanager" (apt-get install prometheus-alertmanager) or set AMTOOL=/path/to/amtool';
  if (env) return { name, path: fs.existsSync(env) ? env : undefined, hint };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return { name, path: candidate, hint };
  }
  return { name, hint };
}

/** Tool runs in flight at most: one per CPU (check mostly waits for promtool and amtool, one process per route). */
const slots = { free: Math.max(1, os.availableParallelism()), waiting: [] as Array<() => void> };

async function inSlot<T>(job: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await job();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

/** promtool test rules evaluates days of SLO scenarios (src/render/slo-tests.ts): minutes on a loaded machine. */
const RULE_TESTS_TIMEOUT = 600_000;

/**
 * `run`, reusing an earlier pass with the same tool, arguments and input files (src/tool-cache.ts); `inputs` must
 * be every file the tool reads.
 */
async function runOnce(tool: Tool, args: string[], cwd: string, inputs: string[]): Promise<{ ok: boolean; output: string }> {
  const key = runKey(tool.path!, args, inputs.map((f) => path.resolve(cwd, f)));
  const earlier = earlierPass(key);
  if (earlier !== undefined) return { ok: true, output: earlier };
  const res = await run(tool, args, cwd);
  if (res.ok) rememberPass(key, res.output);
  return res;
}

function run(tool: Tool, args: string[], cwd: string, timeout = 60_000): Promise<{ ok: boolean; output: string }> {
  const exec = () =>
    new Promise<{ ok: boolean; output: string }>((resolve) => {
      execFile(tool.path!, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const output = `${stdout ?? ''}${stderr ?? ''}`.replace(/^Warning: --config.file flag overrides.*\n/gm, '').trim();
        // A number code is the tool's own non-zero exit; anything else (not startable, timed out) is explained.
        const failedToRun = err && typeof err.code !== 'number';
        resolve({ ok: !err, output: failedToRun ? `${err.message}\n${output}` : output });
      });
    });
  return inSlot(exec);
}

/** Runs every check against `<filesDir>` (synth's `files/`); the tool runs overlap, the report keeps this order. */
export async function runChecks(stack: Stack, filesDir: string, source = `stack "${stack.name}"`): Promise<CheckResult[]> {
  const promtool = findTool('promtool');
  const amtool = findTool('amtool');
  const missing = [promtool, amtool]
    .filter((tool) => !tool.path)
    .map((tool) => ({ name: `${tool.name} available`, ok: false, detail: `${tool.name} not found: ${tool.hint}` }));
  const [prom, am, extras] = await Promise.all([
    promtoolChecks(promtool, path.join(filesDir, 'prometheus')),
    amtoolChecks(stack, amtool, path.join(filesDir, 'alertmanager', 'alertmanager.yml')),
    Promise.all(extraChecks.map(async (extra) => extra(stack, filesDir, source))),
  ]);
  return [...missing, ...prom, ...am, ...extras.flat()];
}

async function promtoolChecks(promtool: Tool, promDir: string): Promise<CheckResult[]> {
  if (!promtool.path) return [];
  const ruleFiles = listYaml(path.join(promDir, 'rules')).map((f) => `rules/${f}`);
  const checks: Array<Promise<CheckResult[]>> = [
    run(promtool, ['check', 'config', 'prometheus.yml'], promDir).then((r) => [{ name: 'promtool check config prometheus/prometheus.yml', ok: r.ok, detail: r.output }]),
  ];
  if (ruleFiles.length) {
    const name = `promtool check rules (${ruleFiles.length} files)`;
    checks.push(run(promtool, ['check', 'rules', ...ruleFiles], promDir).then((r) => [{ name, ok: r.ok, detail: r.output }]));
  }
  checks.push(ruleTests(promtool, path.join(promDir, 'tests')));
  return (await Promise.all(checks)).flat();
}

/**
 * `promtool test rules` on every test file, the slowest check: the files split into one contiguous share per CPU,
 * outputs in order. When it fails, each file again on its own, so the report names the test file, its rule file
 * and the failing tests (promtool interleaves stdout and stderr otherwise).
 */
async function ruleTests(promtool: Tool, testsDir: string): Promise<CheckResult[]> {
  const files = listYaml(testsDir);
  if (!files.length) return [];
  const keys = new Map(files.map((f) => [f, ruleTestKey(promtool, testsDir, f)]));
  const fresh = files.filter((f) => earlierPass(keys.get(f)!) === undefined);
  const size = Math.ceil(fresh.length / Math.max(1, os.availableParallelism()));
  const shares = Array.from({ length: size ? Math.ceil(fresh.length / size) : 0 }, (_, i) => fresh.slice(i * size, (i + 1) * size));
  const runs = await Promise.all(shares.map((share) => run(promtool, ['test', 'rules', ...share], testsDir, RULE_TESTS_TIMEOUT)));
  const all = { ok: runs.every((r) => r.ok), output: runs.map((r) => r.output).filter(Boolean).join('\n') };
  if (all.ok) {
    for (const f of fresh) rememberPass(keys.get(f)!, '');
    const reused = files.length - fresh.length;
    const note = reused ? `${reused} of ${files.length} files unchanged since they passed in this process` : '';
    return [{ name: `promtool test rules (${files.length} files)`, ok: true, detail: [all.output, note].filter(Boolean).join('\n') }];
  }
  const each = await Promise.all(files.map(async (file) => ({ file, res: await run(promtool, ['test', 'rules', file], testsDir, RULE_TESTS_TIMEOUT) })));
  const failed = each.filter((r) => !r.res.ok);
  if (!failed.length) return [{ name: `promtool test rules (${files.length} files)`, ok: false, detail: all.output }];
  return failed.map(({ file, res }) => ({
    name: `promtool test rules prometheus/tests/${file} (rule file ${ruleFileOf(path.join(testsDir, file))})`,
    ok: false,
    detail: [...failingTests(res.output), res.output].join('\n'),
  }));
}

/** The rule file a test file tests, as a path under prometheus/. */
function ruleFileOf(testFile: string): string {
  const [file] = ruleFilesOf(testFile);
  return file ? path.posix.join('prometheus/tests', file) : '(unknown)';
}

/** The `rule_files` a test file lists, as written (relative to the test file). */
function ruleFilesOf(testFile: string): string[] {
  const m = /^rule_files:\s*\n((?:\s*-\s*.+\n?)+)/m.exec(fs.readFileSync(testFile, 'utf8'));
  return m ? m[1].split('\n').map((l) => l.replace(/^\s*-\s*/, '').trim().replace(/^["']|["']$/g, '')).filter(Boolean) : [];
}

/** What `promtool test rules <file>` reads: the test file and the rule files it lists. */
const ruleTestKey = (promtool: Tool, testsDir: string, file: string) =>
  runKey(promtool.path!, ['test', 'rules', file], [file, ...ruleFilesOf(path.join(testsDir, file))].map((f) => path.resolve(testsDir, f)));

/** One line per failing test of promtool's report: its name, alert and evaluation time. */
export function failingTests(output: string): string[] {
  const out: string[] = [];
  let name = '';
  for (const line of output.split('\n')) {
    const n = /^\s*name: (.*),$/.exec(line);
    if (n) name = n[1];
    const a = /^\s*alertname: (.*), time: (.*?),\s*$/.exec(line);
    if (a) out.push(`failing test${name ? ` "${name}"` : ''}: alert ${a[1]} at ${a[2]}`);
    if (/^\s*(\d+:\d+: )?(parse error|error|could not)\b/.test(line)) out.push(`error: ${line.trim()}`);
  }
  return out;
}

async function amtoolChecks(stack: Stack, amtool: Tool, amFile: string): Promise<CheckResult[]> {
  if (!amtool.path || !fs.existsSync(amFile)) return [];
  const checked = await amtoolCompatibleCopy(amtool, amFile);
  try {
    const config = await run(amtool, ['check-config', checked.file], path.dirname(amFile));
    const result = {
      name: 'amtool check-config alertmanager/alertmanager.yml',
      ok: config.ok,
      detail: [config.output, checked.note].filter(Boolean).join('\n'),
    };
    return config.ok ? [result, ...(await routeChecks(stack, amtool, checked.file))] : [result];
  } finally {
    if (checked.file !== amFile) fs.rmSync(checked.file, { force: true });
  }
}

function listYaml(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
}

/**
 * Webhook `url_file` arrived in Alertmanager 0.26; an older amtool (Debian's is 0.25) rejects it. Then the check
 * runs on a copy where each `url_file` is replaced by a placeholder `url`, and says so.
 */
async function amtoolCompatibleCopy(amtool: Tool, file: string): Promise<{ file: string; note?: string }> {
  const text = fs.readFileSync(file, 'utf8');
  const version = /version (\d+)\.(\d+)/.exec((await run(amtool, ['--version'], path.dirname(file))).output);
  const compatible = amtoolCompatibleText(text, version ? [Number(version[1]), Number(version[2])] : undefined);
  if (compatible === text) return { file };
  // Next to the original, so the relative `templates:` paths still resolve.
  const copy = path.join(path.dirname(file), `.amtool-${process.pid}.yml`);
  fs.writeFileSync(copy, compatible);
  return {
    file: copy,
    note: `note: amtool ${version ? `${version[1]}.${version[2]}` : '(unknown version)'} predates webhook url_file (Alertmanager 0.26); checked with each url_file replaced by a placeholder url`,
  };
}


/**
 * One routing test per route: labels built from the route's matchers (and its parents') must reach its receiver.
 * Catches routes shadowed by an earlier sibling. Plus the config's explicit routeTests, verified exactly.
 */
async function routeChecks(stack: Stack, amtool: Tool, file: string): Promise<CheckResult[]> {
  const checks: Array<CheckResult | Promise<CheckResult>> = [];
  const cwd = path.dirname(file);
  const visit = (routes: RouteConfig[], parentLabels: Record<string, string>, parentReceiver: string, where: string) =>
    routes.forEach((route, i) => {
      const here = `${where}.routes[${i}]`;
      const receiver = route.receiver ?? parentReceiver;
      const derived = labelsFor(route.matchers ?? []);
      if (!derived) {
        checks.push({
          name: `route ${here} → ${receiver}`,
          ok: true,
          detail: 'note: no sample labels can be derived from its matchers (regex or negative); add alertmanager.routeTests to test it',
        });
      } else {
        const labels = { ...parentLabels, ...derived };
        const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
        checks.push(
          // amtool reads only the config file for a routing test (no templates).
          runOnce(amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...args], cwd, [file]).then((res) => {
            const got = res.output.split('\n').pop()!.split(',').map((s) => s.trim());
            const ok = res.ok && got.includes(receiver);
            return {
              name: `route ${here} {${args.join(', ')}} → ${receiver}`,
              ok,
              detail: ok ? undefined : `alerts with these labels reach ${JSON.stringify(res.output)} instead of "${receiver}"; is the route shadowed by an earlier one?`,
            };
          }),
        );
        visit(route.routes ?? [], labels, receiver, here);
      }
    });
  visit(stack.alertmanager.route.routes, {}, stack.alertmanager.route.receiver, '$.alertmanager.route');

  stack.alertmanager.routeTests.forEach((t, i) => {
    const args = Object.entries(t.labels).map(([k, v]) => `${k}=${v}`);
    const name = `routeTests[${i}] {${args.join(', ')}} → ${t.receivers.join(',')}`;
    const verify = ['config', 'routes', 'test', `--config.file=${file}`, `--verify.receivers=${t.receivers.join(',')}`, ...args];
    checks.push(runOnce(amtool, verify, cwd, [file]).then((res) => ({ name, ok: res.ok, detail: res.ok ? undefined : res.output })));
  });
  return Promise.all(checks);
}

/** Sample labels satisfying matchers, or undefined when a regex is not a plain alternation of names. */
function labelsFor(matchers: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const m of matchers) {
    const parsed = parseMatcher(m);
    if (!parsed) return undefined;
    const { label: name, op, value } = parsed;
    if (op === '=') labels[name] = value;
    else if (op === '=~') {
      const first = value.split('|')[0];
      if (!/^[A-Za-z0-9_.:/-]+$/.test(first)) return undefined;
      labels[name] = first;
    } else if (value === '') return undefined; // label!="" needs some value we cannot guess
  }
  return labels;
}

/** The report printed by `npm run check`. */
export function formatReport(results: CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}`);
    if (r.ok && r.notes?.length) lines.push(...r.notes.map((l) => `        ${l}`));
    const showDetail = !r.ok || r.detail?.startsWith('note:') || r.detail?.includes('\nnote:');
    if (showDetail && r.detail) {
      const detail = r.ok ? r.detail.split('\n').filter((l) => l.startsWith('note:')).join('\n') : r.detail;
      lines.push(...detail.split('\n').map((l) => `        ${l}`));
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push('', failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`);
  return lines.join('\n');
}
