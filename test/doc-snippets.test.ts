/**
 * Every code snippet in the README and docs/ is exercised, so the guides cannot rot. A fence says what it is after
 * its language, and each kind has a check:
 *   ts module            a whole stack file: type-checked, its default export validated
 *   ts fields            properties of a stack object (imports allowed on top): type-checked and validated
 *   ts scrapeTarget      one scrape target: type-checked and validated inside a stack
 *   ts alertmanager      properties of `alertmanager`: type-checked and validated inside a stack
 *   ts panel             a dashboard panel expression with the helpers of dashboards/lib.ts: type-checked
 *   yaml stack           a whole stack file: validated
 *   yaml fields          top-level fields of a stack file: validated inside a stack
 *   yaml alert           one item of alerts.custom: validated inside a stack
 *   bash                 commands: every `npm run <script>` exists, every ./scripts/… file exists
 *   text                 program output, not code
 * A fence without a known kind fails the test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as yaml from 'js-yaml';
import { REPO_ROOT, validate } from './helpers';

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

describe('TypeScript snippets compile and validate', () => {
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

  test.each(tsSnippets.filter((s) => s.kind !== 'panel').map((s) => [id(s), s] as const))('%s validates', (_id, s) => {
    // Transpile and evaluate the module in stacks/, where its relative imports resolve.
    const js = ts.transpileModule(tsModule(s)!, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const module = { exports: {} as Record<string, unknown> };
    const req = (p: string) => require(p.startsWith('.') ? path.join(dir, p) : p);
    new Function('module', 'exports', 'require', js)(module, module.exports, req);
    expect(() => validate(module.exports.default)).not.toThrow();
  });
});

describe('YAML snippets validate', () => {
  test.each(ALL.filter((s) => s.lang === 'yaml').map((s) => [id(s), s] as const))('%s', (_id, s) => {
    const parsed = yaml.load(s.code) as any;
    const base = yaml.load(`{ ${BASE} ${BASE_TARGETS} }`) as any;
    const config = s.kind === 'stack' ? parsed : s.kind === 'fields' ? { ...base, ...parsed } : { ...base, alerts: { custom: Array.isArray(parsed) ? parsed : [parsed] } };
    expect(() => validate(config)).not.toThrow();
  });
});

describe('shell snippets name real scripts', () => {
  const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts);
  test.each(ALL.filter((s) => s.lang === 'bash').map((s) => [id(s), s] as const))('%s', (_id, s) => {
    for (const [, name] of s.code.matchAll(/npm run(?: -s)? ([\w:-]+)/g)) expect(scripts).toContain(name);
    for (const [, file] of s.code.matchAll(/(?:^|\s)\.?\/?(scripts\/[\w.-]+)/gm)) expect(fs.existsSync(path.join(REPO_ROOT, file))).toBe(true);
  });
});
