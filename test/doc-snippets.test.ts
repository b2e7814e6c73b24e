/**
 * Every code snippet in the README and docs/ is exercised, so the guides cannot rot. A fence says what it is after
 * its language, and each kind has a check:
 *   ts module            a whole stack file: type-checked, validated, synthesized and `check`ed on its own
 *   ts fields            properties of a stack object (imports allowed on top): type-checked, then applied
 *   ts scrapeTarget      one scrape target: type-checked, then applied (appended to scrapeTargets)
 *   ts alertmanager      properties of `alertmanager`: type-checked, then applied to `alertmanager`
 *   ts panel             a dashboard panel expression with the helpers of dashboards/lib.ts: type-checked, then
 *                        put on a dashboard of the stack and checked by src/check-dashboards.ts
 *   yaml stack           a whole stack file: validated, synthesized and `check`ed on its own
 *   yaml fields          properties of a stack in YAML: applied
 *   yaml alert           items of alerts.custom: applied (appended)
 *   bash                 commands: every `npm run <script>` exists, every ./scripts/… file exists
 *   text                 program output, not code
 * A fence without a known kind fails the test.
 *
 * The guide snippets are applied as a user follows the guides: in document order, one after the other, to a copy
 * of the dev stack (test/fixtures/seed-stack.ts), and after each one the result is validated, synthesized and run
 * through `check` (promtool, amtool, the dashboard checks: src/check.ts). The last step is every guide edit at
 * once. Steps build on each other, so a failure repeats in the steps after it: the first failing step names the
 * snippet to fix. Applying merges objects key by key; a list of named items (name, job or uid) gets the snippet's items
 * added, an item of the same name replaced; any other list (e.g. `route.routes`) is replaced as a whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as yaml from 'js-yaml';
import { REPO_ROOT, tmpDir, validate } from './helpers';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { formatReport, runChecks } from '../src/check';
import { checkDashboards } from '../src/check-dashboards';
import { stableJson } from '../src/render/dashboards';
import { buildDashboard, PanelSpec, targetVariables } from '../dashboards/lib';
import type { Stack, StackInput } from '../src/schema';

interface Snippet {
  file: string;
  line: number;
  lang: string;
  kind: string;
  code: string;
}

const DOCS = ['README.md', ...listMarkdown(path.join(REPO_ROOT, 'docs')).map((f) => path.relative(REPO_ROOT, f))];

function listMarkdown(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listMarkdown(p) : e.name.endsWith('.md') ? [p] : [];
  });
}

function snippets(): Snippet[] {
  const out: Snippet[] = [];
  for (const file of DOCS) {
    const lines = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(\S*)\s*(\S*)\s*$/.exec(lines[i]);
      if (!open) continue;
      const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
      out.push({ file, line: i + 1, lang: open[1], kind: open[2], code: lines.slice(i + 1, end).join('\n') });
      i = end;
    }
  }
  return out;
}

const ALL = snippets();
const id = (s: Snippet) => `${s.file}:${s.line} (${s.lang} ${s.kind})`.trim();

/** A minimal stack around a snippet, for type-checking only (the checks apply snippets to the dev fixture). */
const BASE = `name: 'guide', environment: 'test', alertmanager: { route: { receiver: 'default' }, receivers: [{ name: 'default' }] },`;
const BASE_TARGETS = `scrapeTargets: [{ job: 'backend', targets: ['backend:8000'], ruleSets: ['http'] }, { job: 'worker', targets: ['worker:9100'] }, { job: 'api', targets: ['api:8000'] }, { job: 'shop', targets: ['shop:8080'] }],`;

/** Splits leading import lines from the rest, rewriting paths relative to the repository root. */
function splitImports(code: string): { imports: string; body: string } {
  const lines = code.split('\n');
  const n = lines.findIndex((l) => !/^\s*import\s/.test(l) && l.trim() !== '');
  const cut = n === -1 ? lines.length : n;
  return { imports: lines.slice(0, cut).join('\n'), body: lines.slice(cut).join('\n') };
}

/** The TypeScript module a ts snippet becomes, placed in stacks/ so its relative imports resolve. */
function tsModule(s: Snippet): string | undefined {
  const { imports, body } = splitImports(s.code);
  const head = `import { defineStack } from '../src/schema';\n${imports.includes('defineStack') ? imports.replace(/import \{ defineStack \} from '\.\.\/src\/schema';\n?/, '') : imports}\n`;
  switch (s.kind) {
    case 'module':
      return s.code;
    case 'fields':
      return `${head}export default defineStack({ ${BASE} ${/\bscrapeTargets\s*:/.test(body) ? '' : BASE_TARGETS}\n${body}\n});\n`;
    case 'scrapeTarget':
      return `${head}export default defineStack({ ${BASE} scrapeTargets: [\n${body.replace(/,\s*$/, '')}\n] });\n`;
    case 'alertmanager':
      return `${head}export default defineStack({ name: 'guide', environment: 'test', ${BASE_TARGETS} alertmanager: { ...{ route: { receiver: 'default' }, receivers: [{ name: 'default' }] },\n${body}\n} });\n`;
    case 'panel':
      return `import { timeseriesPanel, barsPanel, statPanel, logsPanel, promql, logql, sumRate, quantile, latencyQueries } from '../dashboards/lib';\nimport { metric } from '../src/metrics';\nvoid [timeseriesPanel, barsPanel, statPanel, logsPanel, promql, logql, sumRate, quantile, latencyQueries, metric];\nexport const panels = [\n${body}\n];\n`;
    default:
      return undefined;
  }
}

const KNOWN: Record<string, string[]> = {
  ts: ['module', 'fields', 'scrapeTarget', 'alertmanager', 'panel'],
  yaml: ['stack', 'fields', 'alert'],
  bash: [''],
  text: [''],
};

test('the docs have snippets and every one has a known kind', () => {
  expect(ALL.length).toBeGreaterThan(10);
  const unknown = ALL.filter((s) => !(KNOWN[s.lang] ?? []).includes(s.kind)).map(id);
  expect(unknown).toEqual([]);
});

describe('TypeScript snippets type-check', () => {
  const dir = path.join(REPO_ROOT, 'stacks');
  const tsSnippets = ALL.filter((s) => s.lang === 'ts');
  const files = new Map<string, Snippet>();
  for (const s of tsSnippets) {
    const source = tsModule(s);
    if (source === undefined) continue;
    files.set(path.join(dir, `__snippet_${s.file.replace(/[^A-Za-z0-9]/g, '_')}_${s.line}.ts`), s);
  }

  test('type-check', () => {
    // An in-memory compiler host: the snippet modules exist only for this check.
    const options = ts.parseJsonConfigFileContent(
      ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile).config,
      ts.sys,
      REPO_ROOT,
    ).options;
    const host = ts.createCompilerHost({ ...options, noEmit: true });
    const read = host.readFile;
    const getSource = host.getSourceFile;
    host.readFile = (f) => (files.has(f) ? tsModule(files.get(f)!) : read(f));
    host.fileExists = (f) => files.has(f) || ts.sys.fileExists(f);
    host.getSourceFile = (f, lang, ...rest) =>
      files.has(f) ? ts.createSourceFile(f, tsModule(files.get(f)!)!, lang) : getSource(f, lang, ...rest);
    const program = ts.createProgram([...files.keys()], { ...options, noEmit: true, noUnusedLocals: false }, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => `${id(files.get(d.file!.fileName)!)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  });

});

/** Evaluates a TypeScript module in stacks/, where a snippet's relative imports resolve; returns its default export. */
function evaluate(source: string): any {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const dir = path.join(REPO_ROOT, 'stacks');
  const req = (p: string) => require(p.startsWith('.') ? path.join(dir, p) : p);
  new Function('module', 'exports', 'require', js)(module, module.exports, req);
  return module.exports.default;
}

/** What a guide snippet adds to a stack, as a partial stack input (panels: the panel builders). */
function edit(s: Snippet): { input?: Record<string, unknown>; panels?: PanelSpec[] } {
  const { imports, body } = splitImports(s.code);
  if (s.lang === 'yaml') {
    const parsed = yaml.load(s.code) as any;
    return { input: s.kind === 'alert' ? { alerts: { custom: Array.isArray(parsed) ? parsed : [parsed] } } : parsed };
  }
  switch (s.kind) {
    case 'fields':
      return { input: evaluate(`${imports}\nexport default {\n${body}\n};\n`) };
    case 'scrapeTarget':
      return { input: { scrapeTargets: evaluate(`${imports}\nexport default [\n${body}\n];\n`) } };
    case 'alertmanager':
      return { input: { alertmanager: evaluate(`${imports}\nexport default {\n${body}\n};\n`) } };
    case 'panel':
      return { panels: evaluate(tsModule(s)!.replace('export const panels =', 'export default')) };
  }
  throw new Error(`${id(s)}: not a guide snippet`);
}

const keyOf = (item: unknown): string | undefined => {
  if (!item || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  const k = o.name ?? o.job ?? o.uid;
  return typeof k === 'string' ? k : undefined;
};

/** Applies a snippet's fields to a stack input (see the header for the rules). */
function apply(base: unknown, add: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(add)) {
    if (![...base, ...add].every((i) => keyOf(i) !== undefined)) return add;
    const out = [...base];
    for (const item of add) {
      const at = out.findIndex((i) => keyOf(i) === keyOf(item));
      if (at === -1) out.push(item);
      else out[at] = item;
    }
    return out;
  }
  if (base && add && typeof base === 'object' && typeof add === 'object' && !Array.isArray(base) && !Array.isArray(add)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(add)) out[k] = k in out ? apply(out[k], v) : v;
    return out;
  }
  return add;
}

/** Synthesizes the stack to a temp dir and runs every check of `npm run check`; returns the failures' report. */
async function checkFailures(stack: Stack): Promise<string> {
  const dir = tmpDir('ms-guide-');
  try {
    writeTree(path.join(dir, 'out'), synthesize(stack));
    const failed = (await runChecks(stack, path.join(dir, 'out', 'files'))).filter((r) => !r.ok);
    return failed.length ? formatReport(failed) : '';
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Dashboard-check problems of panels put on a dashboard of the stack (with the `job` and `instance` variables of its targets). */
function panelProblems(stack: Stack, panels: PanelSpec[]): string[] {
  const json = buildDashboard({
    uid: 'guide-panels',
    title: 'Guide panels',
    description: 'The README panel snippets.',
    variables: targetVariables(stack.scrapeTargets.map((t) => t.job)),
    sections: [{ panels }],
  });
  return checkDashboards([{ file: 'grafana/dashboards/Guide/guide-panels.json', text: stableJson(json) }], stack).flatMap((r) => r.problems);
}

describe('the guides, applied one after the other to the dev fixture, pass check', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fixture: StackInput = JSON.parse(JSON.stringify(require('./fixtures/seed-stack').default));
  const guides = ALL.filter((s) => ['fields', 'scrapeTarget', 'alertmanager', 'alert', 'panel'].includes(s.kind));
  let input: unknown = fixture;
  test.each(guides.map((s, i) => [`${i + 1}/${guides.length}${i === guides.length - 1 ? ' (every guide edit)' : ''}`, id(s), s] as const))(
    'step %s: %s',
    async (_step, _id, s) => {
      const change = edit(s);
      if (change.input) input = apply(input, change.input);
      const stack = validateNamed(input, id(s));
      if (change.panels) expect(panelProblems(stack, change.panels)).toEqual([]);
      expect(await checkFailures(stack)).toBe('');
    },
  );
});

describe('whole-stack snippets pass check on their own', () => {
  test.each(ALL.filter((s) => s.kind === 'module' || s.kind === 'stack').map((s) => [id(s), s] as const))('%s', async (_id, s) => {
    const stack = validateNamed(s.lang === 'yaml' ? yaml.load(s.code) : evaluate(s.code), id(s));
    expect(await checkFailures(stack)).toBe('');
  });
});

/** Validates, reporting the snippet that led there. */
function validateNamed(input: unknown, source: string): Stack {
  try {
    return validate(input);
  } catch (err) {
    throw new Error(`after ${source}:\n${(err as Error).message}`);
  }
}

describe('shell snippets name real scripts', () => {
  const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts);
  test.each(ALL.filter((s) => s.lang === 'bash').map((s) => [id(s), s] as const))('%s', (_id, s) => {
    for (const [, name] of s.code.matchAll(/npm run(?: -s)? ([\w:-]+)/g)) expect(scripts).toContain(name);
    for (const [, file] of s.code.matchAll(/(?:^|\s)\.?\/?(scripts\/[\w.-]+)/gm)) expect(fs.existsSync(path.join(REPO_ROOT, file))).toBe(true);
  });
});
