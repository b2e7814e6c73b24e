/**
 * Prometheus alert templates (Go text/template with Prometheus' functions), evaluated ahead of time so the generated
 * rule tests can state the exact annotations promtool renders. Supported: `$labels.<name>`, `$externalLabels.<name>`,
 * `$value`, string and number literals, pipelines and parentheses, and the functions in SUPPORTED_FUNCTIONS with the
 * semantics of prometheus template/template.go (v2.42, unchanged in v3.5). A missing label renders as "" (Prometheus
 * executes templates with missingkey=zero on a map of strings). Anything else is refused at validation.
 */
import {
  GoTemplateError,
  GoValue,
  goPrint,
  goSprintf,
  goTitle,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  toFloat,
  unsupportedVerbs,
  PRINTF_VERBS,
} from './go-format';
import { goReplaceAll, checkGoRegexp } from './go-regexp';

export { formatG } from './go-format';

export class UnsupportedTemplate extends Error {}

export const SUPPORTED_FUNCTIONS = [
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'printf',
  'title',
  'toUpper',
  'toLower',
  'reReplaceAll',
] as const;

const SUPPORTED_TEXT =
  `{{ $labels.<name> }}, {{ $externalLabels.<name> }}, {{ $value }}, literals, pipes and the functions ${SUPPORTED_FUNCTIONS.join(', ')}`;

/** What a template sees: the alert's labels, the stack's external labels and the expression's value. */
export interface TemplateData {
  labels: Record<string, string>;
  externalLabels?: Record<string, string>;
  value: number | undefined;
}

type Node =
  | { t: 'var'; name: 'value' }
  | { t: 'field'; map: 'labels' | 'externalLabels'; key: string }
  | { t: 'lit'; value: GoValue }
  | { t: 'fn'; name: string }
  | { t: 'pipe'; commands: Node[][] };

/** Throws UnsupportedTemplate when a template uses something outside the supported subset. */
export function checkTemplate(text: string): void {
  for (const part of split(text)) if (typeof part !== 'string') checkPipe(part);
}

/** Whether the template shows $value (then a raw alert's test needs `test.value`). */
export function usesValue(text: string): boolean {
  return split(text).some((p) => typeof p !== 'string' && JSON.stringify(p).includes('"name":"value"'));
}

export function renderTemplate(
  text: string,
  labels: Record<string, string>,
  value: number | undefined,
  externalLabels: Record<string, string> = {},
): string {
  const data: TemplateData = { labels, value, externalLabels };
  return split(text)
    .map((p) => (typeof p === 'string' ? p : goPrint(evalPipe(p, data))))
    .join('');
}

/** Parsed templates: the rule-test generator renders each one for many values. */
const parsedTemplates = new Map<string, Array<string | Node>>();

function split(text: string): Array<string | Node> {
  let parts = parsedTemplates.get(text);
  if (!parts) {
    parts = parseTemplate(text);
    parsedTemplates.set(text, parts);
  }
  return parts;
}

/** Text and parsed actions, with `{{-` / `-}}` trimming applied to the neighbouring text. */
function parseTemplate(text: string): Array<string | Node> {
  const out: Array<string | Node> = [];
  const re = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
  let last = 0;
  let trimNext = false;
  for (const m of text.matchAll(re)) {
    let before = text.slice(last, m.index);
    if (trimNext) before = before.replace(/^\s+/, '');
    if (m[1]) before = before.replace(/\s+$/, '');
    out.push(before);
    const body = m[2].trim();
    if (!/^\/\*[\s\S]*\*\/$/.test(body)) out.push(parse(body));
    trimNext = !!m[3];
    last = m.index! + m[0].length;
  }
  let rest = text.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  if (rest.includes('{{')) throw new UnsupportedTemplate(`unclosed action in template: ${JSON.stringify(rest)}`);
  out.push(rest);
  return out.filter((p) => p !== '');
}

const TOKEN = /\s*(\$labels\.[a-zA-Z_][a-zA-Z0-9_]*|\$externalLabels\.[a-zA-Z_][a-zA-Z0-9_]*|\$value\b|"(?:[^"\\]|\\.)*"|`[^`]*`|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[a-zA-Z_][a-zA-Z0-9_]*|\||\(|\)|\S+)/y;

function parse(action: string): Node {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < action.length) {
    const m = TOKEN.exec(action);
    if (!m) break;
    tokens.push(m[1]);
  }
  const unsupported = () => new UnsupportedTemplate(`template action {{ ${action} }} is not supported; expected ${SUPPORTED_TEXT}`);
  let pos = 0;
  const pipe = (): Node => {
    const commands: Node[][] = [[]];
    while (pos < tokens.length && tokens[pos] !== ')') {
      const tok = tokens[pos++];
      if (tok === '|') commands.push([]);
      else if (tok === '(') {
        commands[commands.length - 1].push(pipe());
        if (tokens[pos++] !== ')') throw unsupported();
      } else commands[commands.length - 1].push(operand(tok, unsupported));
    }
    if (commands.some((c) => c.length === 0)) throw unsupported();
    return { t: 'pipe', commands };
  };
  const node = pipe();
  if (pos !== tokens.length) throw unsupported();
  return node;
}

function operand(tok: string, unsupported: () => Error): Node {
  if (tok === '$value') return { t: 'var', name: 'value' };
  const field = /^\$(labels|externalLabels)\.(.+)$/.exec(tok);
  if (field) return { t: 'field', map: field[1] as 'labels' | 'externalLabels', key: field[2] };
  if (tok.startsWith('"')) return { t: 'lit', value: { kind: 'string', v: JSON.parse(tok) as string } };
  if (tok.startsWith('`')) return { t: 'lit', value: { kind: 'string', v: tok.slice(1, -1) } };
  if (/^[+-]?(\d|\.\d)/.test(tok)) {
    // text/template: a constant with ".eE" is a float64, otherwise an int.
    return { t: 'lit', value: { kind: /[.eE]/.test(tok) ? 'float' : 'int', v: Number(tok) } };
  }
  if ((SUPPORTED_FUNCTIONS as readonly string[]).includes(tok)) return { t: 'fn', name: tok };
  throw unsupported();
}

const ARITY: Record<string, [number, number]> = { printf: [1, Infinity], reReplaceAll: [3, 3] };

function checkPipe(node: Node): void {
  if (node.t !== 'pipe') return;
  node.commands.forEach((cmd, i) => {
    const [head, ...args] = cmd;
    args.forEach(checkPipe);
    if (head.t === 'pipe') checkPipe(head);
    if (head.t !== 'fn') {
      if (args.length || i > 0) throw new UnsupportedTemplate(`a value cannot take arguments or piped input; expected a function of ${SUPPORTED_FUNCTIONS.join(', ')}`);
      return;
    }
    const n = args.length + (i > 0 ? 1 : 0);
    const [min, max] = ARITY[head.name] ?? [1, 1];
    if (n < min || n > max) throw new UnsupportedTemplate(`${head.name} takes ${min === max ? min : `at least ${min}`} argument(s), got ${n}`);
    const first = args[0];
    if (head.name === 'printf' && first?.t === 'lit' && first.value.kind === 'string') {
      const bad = unsupportedVerbs(first.value.v);
      if (bad.length) throw new UnsupportedTemplate(`printf verb %${bad[0]} is not supported; expected one of ${[...PRINTF_VERBS].map((v) => `%${v}`).join(' ')}`);
    }
    if (head.name === 'reReplaceAll' && first?.t === 'lit' && first.value.kind === 'string') {
      try {
        checkGoRegexp(first.value.v);
      } catch (err) {
        throw new UnsupportedTemplate(`reReplaceAll: ${(err as Error).message}`);
      }
    }
  });
}

function evalPipe(node: Node, data: TemplateData): GoValue {
  if (node.t !== 'pipe') return evalOperand(node, data);
  let piped: GoValue | undefined;
  for (const [head, ...rest] of node.commands) {
    if (head.t !== 'fn') {
      piped = evalOperand(head, data);
      continue;
    }
    const args = rest.map((a) => evalOperand(a, data));
    if (piped !== undefined) args.push(piped);
    piped = call(head.name, args);
  }
  return piped!;
}

function evalOperand(node: Node, data: TemplateData): GoValue {
  switch (node.t) {
    case 'var':
      if (data.value === undefined) throw new UnsupportedTemplate('the template shows $value, so the rule test needs `test.value`');
      return { kind: 'float', v: data.value };
    case 'field':
      return { kind: 'string', v: (node.map === 'labels' ? data.labels : data.externalLabels ?? {})[node.key] ?? '' };
    case 'lit':
      return node.value;
    case 'pipe':
      return evalPipe(node, data);
    default:
      throw new UnsupportedTemplate(`function ${node.name} used as a value`);
  }
}

function call(name: string, args: GoValue[]): GoValue {
  const str = (x: GoValue) => {
    if (x.kind !== 'string') throw new GoTemplateError(`${name}: expected a string, got ${x.kind === 'float' ? 'float64' : 'int'}`);
    return x.v;
  };
  const s = (v: string): GoValue => ({ kind: 'string', v });
  switch (name) {
    case 'humanize':
      return s(humanize(toFloat(args[0])));
    case 'humanize1024':
      return s(humanize1024(toFloat(args[0])));
    case 'humanizeDuration':
      return s(humanizeDuration(toFloat(args[0])));
    case 'humanizePercentage':
      return s(humanizePercentage(toFloat(args[0])));
    case 'humanizeTimestamp':
      return s(humanizeTimestamp(toFloat(args[0])));
    case 'printf':
      return s(goSprintf(str(args[0]), args.slice(1)));
    case 'title':
      return s(goTitle(str(args[0])));
    case 'toUpper':
      return s(str(args[0]).toUpperCase());
    case 'toLower':
      return s(str(args[0]).toLowerCase());
    default:
      return s(goReplaceAll(str(args[0]), str(args[1]), str(args[2])));
  }
}
