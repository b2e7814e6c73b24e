/**
 * A small typed syntax tree for Grafana Alloy configuration files and its printer: the Alloy renderer builds a
 * tree, never text. Lexical rules per grafana/alloy v1.18.1 syntax/scanner/scanner.go (strings take Go's escape
 * sequences; identifiers are letters, digits and "_" not starting with a digit) and syntax/parser/internal.go
 * (a block label is a double-quoted valid identifier).
 */

export interface AlloyRef {
  /** A reference to another component's export, e.g. `loki.write.default.receiver`. */
  ref: string;
}
export interface AlloyObject {
  object: Record<string, AlloyValue>;
}
/** A standard-library function call, e.g. `sys.env("HOSTNAME")` (grafana/alloy v1.18.1 docs/sources/reference/stdlib/). */
export interface AlloyCall {
  call: string;
  args: AlloyValue[];
}
export type AlloyValue = string | number | boolean | AlloyRef | AlloyObject | AlloyCall | AlloyValue[];

export interface AlloyAttribute {
  kind: 'attribute';
  name: string;
  value: AlloyValue;
}
export interface AlloyBlock {
  kind: 'block';
  /** Dotted block name, e.g. `loki.process` or `stage.json`. */
  name: string;
  label?: string;
  body: AlloyStatement[];
}
export type AlloyStatement = AlloyAttribute | AlloyBlock;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['true', 'false', 'null']);

export const isIdentifier = (s: string): boolean => IDENTIFIER.test(s) && !KEYWORDS.has(s);

function identifier(s: string, what: string): string {
  if (!isIdentifier(s)) throw new Error(`Alloy ${what} ${JSON.stringify(s)} is not an identifier`);
  return s;
}

const dotted = (s: string, what: string) => s.split('.').map((part) => identifier(part, what)).join('.');

export const attr = (name: string, value: AlloyValue): AlloyAttribute => ({ kind: 'attribute', name: identifier(name, 'attribute'), value });
export const block = (name: string, label: string | undefined, body: AlloyStatement[]): AlloyBlock => ({
  kind: 'block',
  name: dotted(name, 'block name'),
  ...(label === undefined ? {} : { label: identifier(label, 'block label') }),
  body,
});
export const ref = (path: string): AlloyRef => ({ ref: dotted(path, 'reference') });
export const call = (name: string, args: AlloyValue[]): AlloyCall => ({ call: dotted(name, 'function name'), args });
export const obj = (object: Record<string, AlloyValue>): AlloyObject => ({ object });

const SIMPLE_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A double-quoted Alloy string: Go escapes for quotes, backslashes and control characters. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) throw new Error(`Alloy strings cannot hold a lone surrogate (U+${code.toString(16)})`);
    if (SIMPLE_ESCAPES[ch]) out += SIMPLE_ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const INDENT = '  ';

function printValue(v: AlloyValue, depth: number): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`Alloy has no literal for ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.map((x) => printValue(x, depth)).join(', ')}]`;
  if ('ref' in v) return v.ref;
  if ('call' in v) return `${v.call}(${v.args.map((x) => printValue(x, depth)).join(', ')})`;
  const entries = Object.entries(v.object);
  if (entries.length === 0) return '{}';
  const pad = INDENT.repeat(depth + 1);
  // Object keys: identifiers bare, anything else quoted.
  const lines = entries.map(([k, x]) => `${pad}${isIdentifier(k) ? k : quote(k)} = ${printValue(x, depth + 1)},`);
  return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
}

function printStatement(s: AlloyStatement, depth: number): string {
  const pad = INDENT.repeat(depth);
  if (s.kind === 'attribute') return `${pad}${s.name} = ${printValue(s.value, depth)}`;
  const head = `${pad}${s.name}${s.label === undefined ? '' : ` ${quote(s.label)}`} {`;
  if (s.body.length === 0) return `${head}}`;
  return `${head}\n${s.body.map((x) => printStatement(x, depth + 1)).join('\n')}\n${pad}}`;
}

/** The file text: top-level blocks separated by blank lines, `//` comment lines first. */
export function printAlloy(statements: AlloyStatement[], headerComment = ''): string {
  const header = headerComment
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => `// ${l.replace(/^#\s?/, '')}`)
    .join('\n');
  const body = statements.map((s) => printStatement(s, 0)).join('\n\n');
  return `${header ? `${header}\n\n` : ''}${body}\n`;
}
