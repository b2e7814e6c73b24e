/**
 * Go's number and string formatting as Prometheus alert templates produce it (fmt, strconv, strings), so rule tests
 * can state the exact text promtool renders. The humanize* functions follow prometheus template/template.go
 * (v2.42 and v3.5 agree on them). Values are the three kinds a template handles: float64, int and string.
 */

export type GoValue = { kind: 'float'; v: number } | { kind: 'int'; v: number } | { kind: 'string'; v: string };

export class GoTemplateError extends Error {}

/** Go's fmt "%.<p>g": like JS toExponential, except that exact decimal ties round to even. */
export function formatG(v: number, precision: number): string {
  if (!Number.isFinite(v)) return special(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, expStr] = expDigits(v, precision - 1).split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= precision) return `${trimZeros(mantissa)}${goExp(exp)}`;
  return trimZeros(fixedDigits(v, Math.max(0, precision - 1 - exp)));
}

/** Go's %v / strconv 'g' with the shortest precision (how a template prints a bare float64). */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return special(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, expStr] = v.toExponential().split('e');
  const exp = Number(expStr);
  // strconv: the shortest form uses %e when the exponent is < -4 or >= 6 (fmt.Sprint(1e6) is "1e+06").
  if (exp < -4 || exp >= 6) return `${mantissa}${goExp(exp)}`;
  return String(v);
}

const special = (v: number) => (Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');
const goExp = (exp: number) => `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
const trimZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

/** `v.toFixed(p)` with Go's rounding: exact decimal ties go to the even digit (JS rounds them up). */
export function fixedDigits(v: number, p: number): string {
  // Only a 5 right after the kept digits can be a tie; for anything else JS rounds as Go does.
  const quick = v.toFixed(p + 1);
  if (quick[quick.length - 1] !== '5') return v.toFixed(p);
  const exact = Math.abs(v).toFixed(Math.min(100, p + 30));
  const [int, frac = ''] = exact.split('.');
  const kept = int + frac.slice(0, p);
  const rest = frac.slice(p);
  const roundUp = /^5[0]*$/.test(rest) ? Number(kept[kept.length - 1]) % 2 === 1 : rest[0] >= '5';
  let digits = roundUp ? (BigInt(kept) + 1n).toString().padStart(kept.length, '0') : kept;
  const intLen = digits.length - p;
  digits = p > 0 ? `${digits.slice(0, intLen)}.${digits.slice(intLen)}` : digits;
  return (v < 0 ? '-' : '') + digits;
}

/** `v.toExponential(p)` with Go's round-half-even on exact decimal ties. */
function expDigits(v: number, p: number): string {
  const quick = v.toExponential(p + 1);
  if (quick[quick.indexOf('e') - 1] !== '5') return v.toExponential(p);
  // The digits of the exact decimal expansion, rounded by hand.
  const [d, e] = Math.abs(v).toExponential(Math.min(100, p + 30)).split('e');
  const digits = d.replace('.', '');
  const kept = digits.slice(0, p + 1);
  const rest = digits.slice(p + 1);
  const roundUp = /^5[0]*$/.test(rest) ? Number(kept[kept.length - 1]) % 2 === 1 : rest[0] >= '5';
  let n = roundUp ? (BigInt(kept) + 1n).toString() : kept;
  let e2 = Number(e);
  if (n.length > kept.length) {
    n = n.slice(0, kept.length);
    e2 += 1;
  }
  const mant = p > 0 ? `${n[0]}.${n.slice(1)}` : n;
  return `${v < 0 ? '-' : ''}${mant}e${e2 < 0 ? '-' : '+'}${Math.abs(e2)}`;
}

/** Go's %e with precision p: at least two exponent digits. */
function formatE(v: number, p: number): string {
  if (!Number.isFinite(v)) return special(v);
  const [m, e] = expDigits(v, p).split('e');
  return `${m}${goExp(Number(e))}`;
}

function scaled(v: number, prefixes: string[], base: number, up: boolean): string {
  let prefix = '';
  for (const p of prefixes) {
    if (up ? Math.abs(v) < base : Math.abs(v) >= 1) break;
    prefix = p;
    v = up ? v / base : v * base;
  }
  return formatG(v, 4) + prefix;
}

const SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4);
  if (Math.abs(v) >= 1) return scaled(v, ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'], 1000, true);
  return scaled(v, SMALL, 1000, false);
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return formatG(v, 4);
  return scaled(v, ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'], 1024, true);
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return formatG(v, 4);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const total = Math.trunc(abs);
    const [days, hours, minutes, seconds] = [Math.trunc(total / 86400), Math.trunc(total / 3600) % 24, Math.trunc(total / 60) % 60, total % 60];
    if (days) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatG(abs, 4)}s`;
  }
  return `${scaled(v, SMALL, 1000, false)}s`;
}

export const humanizePercentage = (v: number) => `${formatG(v * 100, 4)}%`;

/** Go's time.Time.String() of a Unix time in seconds, truncated to milliseconds like model.TimeFromUnixNano. */
export function humanizeTimestamp(v: number): string {
  if (!Number.isFinite(v)) return formatG(v, 4);
  const ms = Math.trunc(Math.trunc(v * 1e9) / 1e6);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new GoTemplateError(`timestamp ${v} is out of range`);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = ms % 1000 === 0 ? '' : `.${pad(((ms % 1000) + 1000) % 1000, 3).replace(/0+$/, '')}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** Prometheus' convertToFloat: float64, int, or a string strconv.ParseFloat accepts. */
export function toFloat(x: GoValue): number {
  if (x.kind !== 'string') return x.v;
  const s = x.v;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const inf = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  throw new GoTemplateError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** Go's %v of a value. */
export function goPrint(x: GoValue): string {
  if (x.kind === 'string') return x.v;
  return x.kind === 'int' ? String(x.v) : goFloat(x.v);
}

/** strings.Title: the first letter of each word upper-cased (a word starts after a space or ASCII punctuation). */
export function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  if (ch.charCodeAt(0) <= 0x7f) return !/[A-Za-z0-9_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** Go's strconv.Quote for the printable subset (what %q prints for a string). */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1').replace(/\\u007f/g, '\\x7f');
}

/** Verbs `printf` supports (anything else is refused at validation). */
export const PRINTF_VERBS = 'vsdqfFeEgG%';
const VERB = /%([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/g;

/** The verbs of a format string that this module cannot produce; empty when all are supported. */
export function unsupportedVerbs(format: string): string[] {
  return [...format.matchAll(VERB)].map((m) => m[4]).filter((v) => !PRINTF_VERBS.includes(v));
}

/** Go's fmt.Sprintf for the verbs in PRINTF_VERBS, including its %!verb(type=value) notes on wrong arguments. */
export function goSprintf(format: string, args: GoValue[]): string {
  let i = 0;
  const out = format.replace(VERB, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[i++];
    const p = prec === undefined ? undefined : Number(prec || '0');
    const body = formatArg(verb, arg, p, flags);
    const numeric = arg.kind !== 'string' && 'dfFeEgGv'.includes(verb);
    // A verb that does not fit the argument: Go prints the argument with %v and the same width and precision.
    if (body === undefined) return `%!${verb}(${goType(arg)}=${pad(formatArg('v', arg, p, flags)!, Number(width ?? 0), flags, arg.kind !== 'string')})`;
    return pad(body, Number(width ?? 0), flags, numeric);
  });
  const extra = args.slice(i);
  return extra.length ? `${out}%!(EXTRA ${extra.map((a) => `${goType(a)}=${goPrint(a)}`).join(', ')})` : out;
}

const goType = (x: GoValue) => (x.kind === 'float' ? 'float64' : x.kind);

function formatArg(verb: string, arg: GoValue, prec: number | undefined, flags: string): string | undefined {
  const sign = (s: string) => (s.startsWith('-') || !/[+ ]/.test(flags) ? s : `${flags.includes('+') ? '+' : ' '}${s}`);
  if (arg.kind === 'string') {
    if (verb === 's' || verb === 'v') return prec === undefined ? arg.v : [...arg.v].slice(0, prec).join('');
    if (verb === 'q') return goQuote(arg.v);
    return undefined;
  }
  if (arg.kind === 'int') {
    if (verb === 'd' || verb === 'v') return sign(String(arg.v));
    return undefined;
  }
  const v = arg.v;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G': {
      const s = prec === undefined ? goFloat(v) : formatG(v, prec === 0 ? 1 : prec);
      return sign(verb === 'G' ? s.toUpperCase() : s);
    }
    case 'f':
    case 'F':
      return sign(Number.isFinite(v) ? fixedDigits(v, prec ?? 6) : special(v));
    case 'e':
    case 'E': {
      const s = formatE(v, prec ?? 6);
      return sign(verb === 'E' ? s.toUpperCase() : s);
    }
    default:
      return undefined;
  }
}

function pad(body: string, width: number, flags: string, numeric: boolean): string {
  const len = [...body].length;
  if (len >= width) return body;
  if (flags.includes('-')) return body + ' '.repeat(width - len);
  if (flags.includes('0') && numeric && /\d/.test(body[body.length - 1])) {
    const signed = /^[+ -]/.test(body) ? body[0] : '';
    return signed + '0'.repeat(width - len) + body.slice(signed.length);
  }
  return ' '.repeat(width - len) + body;
}
