/**
 * TEST HELPER: an independent reader of Alloy configuration text (no npm parser for Alloy syntax exists), written
 * from the grammar in grafana/alloy v1.18.1 syntax/scanner/scanner.go and syntax/parser/internal.go: `//` and
 * `/* *\/` comments, identifiers, double-quoted strings with Go escapes, numbers, booleans, lists, objects (`{ k = v, }`),
 * dotted references, function calls (`sys.env("X")`), attributes (`name = value`) and blocks (`a.b "label" { … }`, the label a valid identifier).
 * It rejects anything else, so a printed file that it reads back equal to its tree is well-formed.
 */
import type { AlloyStatement, AlloyValue } from '../src/render/alloy-syntax';

type Tok = { t: 'ident' | 'string' | 'number' | 'punct'; v: string; at: number };

const PUNCT = new Set(['{', '}', '[', ']', '=', ',', '.', '(', ')']);
const GO_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

function readString(src: string, start: number): [string, number] {
  let i = start + 1;
  let out = '';
  for (;;) {
    const ch = src[i];
    if (ch === undefined || ch === '\n') throw new Error(`string literal not terminated at ${start}`);
    if (ch === '"') return [out, i + 1];
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const e = src[i + 1];
    if (e in GO_ESCAPES) {
      out += GO_ESCAPES[e];
      i += 2;
    } else if (e === 'u' || e === 'x' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = src.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new Error(`bad \\${e} escape at ${i}`);
      const code = parseInt(hex, 16);
      if (code >= 0xd800 && code <= 0xdfff) throw new Error(`escape is an invalid code point at ${i}`);
      out += String.fromCodePoint(code);
      i += 2 + n;
    } else throw new Error(`unknown escape sequence \\${e} at ${i}`);
  }
}

export function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) i++;
    else if (src.startsWith('//', i)) i = src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i);
    else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end === -1) throw new Error(`comment not terminated at ${i}`);
      i = end + 2;
    } else if (ch === '"') {
      const [v, next] = readString(src, i);
      toks.push({ t: 'string', v, at: i });
      i = next;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      toks.push({ t: 'ident', v: m, at: i });
      i += m.length;
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (!m) throw new Error(`unexpected ${ch} at ${i}`);
      toks.push({ t: 'number', v: m[0], at: i });
      i += m[0].length;
    } else if (PUNCT.has(ch)) {
      toks.push({ t: 'punct', v: ch, at: i });
      i++;
    } else throw new Error(`illegal character ${JSON.stringify(ch)} at ${i}`);
  }
  return toks;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end of file');
    return t;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v || t.t === 'string') throw new Error(`expected "${v}", got ${JSON.stringify(t.v)} at ${t.at}`);
  }
  private ident(): string {
    const t = this.next();
    if (t.t !== 'ident' || ['true', 'false', 'null'].includes(t.v)) throw new Error(`expected an identifier at ${t.at}`);
    return t.v;
  }
  private dotted(): string {
    const parts = [this.ident()];
    while (this.peek()?.v === '.' && this.peek()?.t === 'punct') {
      this.next();
      parts.push(this.ident());
    }
    return parts.join('.');
  }

  body(until?: string): AlloyStatement[] {
    const out: AlloyStatement[] = [];
    while (this.peek() && !(this.peek()!.t === 'punct' && this.peek()!.v === until)) out.push(this.statement());
    if (until) this.expect(until);
    return out;
  }

  private statement(): AlloyStatement {
    const name = this.dotted();
    const t = this.peek();
    if (t?.t === 'punct' && t.v === '=') {
      if (name.includes('.')) throw new Error(`attribute names are not dotted: ${name}`);
      this.next();
      return { kind: 'attribute', name, value: this.value() };
    }
    let label: string | undefined;
    if (t?.t === 'string') {
      label = this.next().v;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(label)) throw new Error(`expected block label to be a valid identifier, got ${JSON.stringify(label)}`);
    }
    this.expect('{');
    return { kind: 'block', name, ...(label === undefined ? {} : { label }), body: this.body('}') };
  }

  private value(): AlloyValue {
    const t = this.peek();
    if (!t) throw new Error('expected a value');
    if (t.t === 'string') return this.next().v;
    if (t.t === 'number') return Number(this.next().v);
    if (t.t === 'ident' && (t.v === 'true' || t.v === 'false')) return this.next().v === 'true';
    if (t.t === 'ident') {
      const name = this.dotted();
      return this.peek()?.t === 'punct' && this.peek()?.v === '(' ? { call: name, args: this.args() } : { ref: name };
    }
    if (t.v === '[') return this.list();
    if (t.v === '{') return this.object();
    throw new Error(`unexpected ${JSON.stringify(t.v)} at ${t.at}`);
  }

  /** Function call arguments: `(v, v)`; a trailing comma is allowed as in lists. */
  private args(): AlloyValue[] {
    this.expect('(');
    const out: AlloyValue[] = [];
    while (!(this.peek()?.t === 'punct' && this.peek()?.v === ')')) {
      out.push(this.value());
      if (this.peek()?.v === ',' && this.peek()?.t === 'punct') this.next();
      else break;
    }
    this.expect(')');
    return out;
  }

  private list(): AlloyValue[] {
    this.expect('[');
    const out: AlloyValue[] = [];
    while (this.peek()?.v !== ']' || this.peek()?.t === 'string') {
      out.push(this.value());
      if (this.peek()?.v === ',' && this.peek()?.t === 'punct') this.next();
      else break;
    }
    this.expect(']');
    return out;
  }

  private object(): AlloyValue {
    this.expect('{');
    const object: Record<string, AlloyValue> = {};
    while (!(this.peek()?.t === 'punct' && this.peek()?.v === '}')) {
      const k = this.next();
      if (k.t !== 'ident' && k.t !== 'string') throw new Error(`expected an object key at ${k.at}`);
      if (k.v in object) throw new Error(`duplicate key ${k.v}`);
      this.expect('=');
      object[k.v] = this.value();
      if (this.peek()?.v === ',' && this.peek()?.t === 'punct') this.next();
      else break;
    }
    this.expect('}');
    return { object };
  }
}

/** The statements of an Alloy file; throws on anything the grammar does not allow. */
export function parseAlloy(src: string): AlloyStatement[] {
  return new Parser(tokenize(src)).body();
}

/** Blocks named `name` anywhere in the tree (depth-first). */
export function findBlocks(statements: AlloyStatement[], name: string): Extract<AlloyStatement, { kind: 'block' }>[] {
  return statements.flatMap((s) => (s.kind !== 'block' ? [] : [...(s.name === name ? [s] : []), ...findBlocks(s.body, name)]));
}

/** The value of attribute `name` directly in a block body. */
export function attrOf(body: AlloyStatement[], name: string): AlloyValue | undefined {
  const a = body.find((s) => s.kind === 'attribute' && s.name === name);
  return a && a.kind === 'attribute' ? a.value : undefined;
}
