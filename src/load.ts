/**
 * Loading and validating a stack config: from `stacks/<name>.ts` or a YAML/JSON file, through ajv (schema and
 * defaults) and then the cross-reference checks. Every problem is reported as `<source>: <json-path>: <message>`.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { _, ErrorObject, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';
import { buildJsonSchema, Stack } from './schema';
import { ConfigError, jsonPath, Problem } from './errors';
import { crossCheck } from './validate';
import { applyCollector } from './logs/collector';

export const REPO_ROOT = path.resolve(__dirname, '..');

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  validator ??= cachedValidator(buildJsonSchema());
  return validator;
}

const AJV_OPTIONS = { allErrors: true, useDefaults: true, discriminator: true, verbose: true, strict: true } as const;

/** The schema compiled in memory, its code kept for standaloneCode (which then takes the formats from ajv-formats). */
export function compileValidator(schema: object): { ajv: Ajv; validate: ValidateFunction } {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  addFormats(ajv);
  // Annotations the schema carries for error messages; they do not validate anything.
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'secretRef', schemaType: 'boolean' });
  return { ajv, validate: ajv.compile(schema) };
}

/**
 * Compiling the schema is most of a CLI's start-up after loading modules (hundreds of ms on a loaded 2-core
 * machine), so the compiled validator is kept as ajv standalone code in node_modules/.cache, named by a hash of
 * the schema, the options and the ajv versions: a changed schema gets a new file. Without a writable cache the
 * validator is compiled in memory as before.
 */
export function cachedValidator(schema: object): ValidateFunction {
  const versions = ['ajv', 'ajv-formats'].map((name) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version);
  const key = crypto.createHash('sha256').update(JSON.stringify([schema, AJV_OPTIONS, versions])).digest('hex').slice(0, 16);
  const file = path.join(REPO_ROOT, 'node_modules', '.cache', 'monitoring-stack', `stack-validator-${key}.js`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (fs.existsSync(file)) return require(file) as ValidateFunction;
  const { ajv, validate } = compileValidator(schema);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, standaloneCode(ajv, validate));
    fs.renameSync(tmp, file);
  } catch {
    // Read-only checkout: no cache, same validator.
  }
  return validate;
}

/** Validates a config object, applies defaults and runs the cross-reference checks. Throws ConfigError. */
export function validateStack(input: unknown, source: string): Stack {
  // A plain-JSON deep copy: ajv writes defaults into its input, and `undefined` fields of a TS object vanish.
  const data = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
  const validate = getValidator();
  if (!validate(data)) throw new ConfigError(schemaProblems(validate.errors ?? [], source));
  const stack = applyCollector(data as Stack);
  const problems = crossCheck(stack, source);
  if (problems.length > 0) throw new ConfigError(problems);
  return stack;
}

/** Extensions a stack file may have under stacks/, in lookup order. */
const STACK_EXTENSIONS = ['.ts', '.yaml', '.yml', '.json'];

/** Resolves `--stack <name>` to stacks/<name>.ts (or .yaml, .yml, .json). */
export function stackFilePath(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new ConfigError([{ source: name, path: '$', message: 'a stack name is letters, digits, "_" and "-"' }]);
  }
  const base = path.join(REPO_ROOT, 'stacks', name);
  const found = STACK_EXTENSIONS.map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!found) {
    const dir = path.dirname(base);
    const known = fs.existsSync(dir)
      ? [...new Set(fs.readdirSync(dir).filter((f) => STACK_EXTENSIONS.includes(path.extname(f))).map((f) => path.parse(f).name))].sort()
      : [];
    throw new ConfigError([
      { source: `stacks/${name}`, path: '$', message: `no such stack "${name}"; known stacks: ${known.join(', ') || 'none'}` },
    ]);
  }
  return found;
}

/** Loads stack <name>: a TypeScript module's default export (or `stack`), or a YAML/JSON file. */
export function loadStackFile(name: string): { input: unknown; source: string } {
  const file = stackFilePath(name);
  const source = path.relative(process.cwd(), file) || file;
  if (!file.endsWith('.ts')) return loadConfigFile(file, source);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file);
  const input = mod.default ?? mod.stack;
  if (input === undefined) {
    throw new ConfigError([{ source, path: '$', message: 'the module must `export default defineStack({...})`' }]);
  }
  return { input, source };
}

/** Reads a YAML or JSON config file. */
export function loadConfigFile(file: string, source = file): { input: unknown; source: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ source, path: '$', message: `cannot read the file (${(err as NodeJS.ErrnoException).code})` }]);
  }
  try {
    const input = /\.json$/i.test(file) ? JSON.parse(text) : yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA });
    return { input, source };
  } catch (err) {
    const e = err as Error & { mark?: { line: number; column: number }; reason?: string };
    const where = e.mark ? `line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '$';
    throw new ConfigError([{ source, path: where, message: `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${e.reason ?? e.message}` }]);
  }
}

/** `--stack <name>` or `--config <file>` → validated stack. */
export function loadStack(opts: { stack?: string; config?: string }): { stack: Stack; source: string } {
  if ((opts.stack === undefined) === (opts.config === undefined)) {
    throw new ConfigError([{ source: 'command line', path: '$', message: 'give exactly one of --stack <name> or --config <file>' }]);
  }
  const { input, source } = opts.stack !== undefined ? loadStackFile(opts.stack) : loadConfigFile(opts.config!);
  return { stack: validateStack(input, source), source };
}

/** Turns ajv errors into one readable line per problem. */
function schemaProblems(errors: ErrorObject[], source: string): Problem[] {
  // Where a union (anyOf) failed, its branches' own errors are noise: report the union once.
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    if (err.keyword !== 'anyOf' && isInsideUnion(err, unionPaths)) continue;
    if (err.keyword === 'propertyNames') continue; // its inner error, carrying the bad name, is reported
    const parts = pointerParts(err.instancePath);
    let where = parts;
    let message: string;
    const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
    const expected = typeof parent.expected === 'string' ? parent.expected : undefined;
    switch (err.keyword) {
      case 'additionalProperties': {
        const field = (err.params as { additionalProperty: string }).additionalProperty;
        where = [...parts, field];
        const known = Object.keys((parent.properties as object) ?? {});
        message = known.length
          ? `unknown field "${field}"; expected one of: ${known.join(', ')}`
          : `unknown field "${field}"`;
        break;
      }
      case 'required':
        where = [...parts, (err.params as { missingProperty: string }).missingProperty];
        message = 'missing required field';
        break;
      case 'type':
        if (parent.secretRef && typeof err.data === 'string') {
          message = `a literal secret is not allowed here; expected ${expected}, and the value itself in Pulumi secret config (npm run secrets -- --stack <stack> set <name>)`;
        } else {
          message = `expected ${expected ?? (err.params as { type: string }).type}, got ${describe(err.data)}`;
        }
        break;
      case 'pattern':
      case 'format':
        if (err.propertyName !== undefined) {
          where = [...parts, err.propertyName];
          message = `invalid name ${JSON.stringify(err.propertyName)}: expected ${expected ?? err.message}`;
          break;
        }
        message = `${JSON.stringify(err.data)} is not valid: expected ${expected ?? err.message}`;
        break;
      case 'enum':
        message = `${JSON.stringify(err.data)} is not allowed: expected one of ${((err.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'discriminator': {
        const tag = (err.params as { tag: string }).tag;
        where = [...parts, tag];
        const kinds = ((parent.oneOf as Array<{ properties: Record<string, { const: string }> }>) ?? []).map((b) => b.properties[tag].const);
        message = `unknown ${tag} ${JSON.stringify((err.data as Record<string, unknown>)?.[tag])}; expected one of ${kinds.join(', ')}`;
        break;
      }
      case 'anyOf': {
        const branches = (parent.anyOf as Array<Record<string, unknown>>) ?? [];
        const options = branches.map((b) => (typeof b.expected === 'string' ? b.expected : b.format === 'uri' ? 'a URL' : String(b.type)));
        message = `${describe(err.data)} is not allowed: expected ${options.join(' or ')}`;
        break;
      }
      default:
        message = `${err.message ?? 'invalid'}${expected ? ` (expected ${expected})` : ''}`;
    }
    const line = `${jsonPath(where)}: ${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ source, path: jsonPath(where), message });
  }
  return out;
}

function isInsideUnion(err: ErrorObject, unionPaths: Set<string>): boolean {
  if (!err.schemaPath.includes('/anyOf/')) return false;
  for (const p of unionPaths) if (err.instancePath === p || err.instancePath.startsWith(p + '/')) return true;
  return false;
}

function pointerParts(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

