/**
 * The subset of Prometheus alert templates this project can evaluate ahead of time, so the generated rule tests
 * can state the exact annotations promtool must see. Supported: `{{ $labels.<name> }}`, `{{ $value }}`, and
 * `{{ $value | humanize }}`, `humanizePercentage`, `humanizeDuration` (also written `humanize $value`).
 */

export class UnsupportedTemplate extends Error {}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;

/** Throws UnsupportedTemplate when a template uses something outside the supported subset. */
export function checkTemplate(text: string): void {
  renderTemplate(text, {}, 1);
}

export function renderTemplate(text: string, labels: Record<string, string>, value: number | undefined): string {
  return text.replace(ACTION, (_m, action: string) => evalAction(action, labels, value));
}

function evalAction(action: string, labels: Record<string, string>, value: number | undefined): string {
  const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(action);
  if (label) return labels[label[1]] ?? '<no value>';
  const piped = /^\$value(?:\s*\|\s*(humanize|humanizePercentage|humanizeDuration))?$/.exec(action);
  const prefix = /^(humanize|humanizePercentage|humanizeDuration)\s+\$value$/.exec(action);
  const fn = piped ? piped[1] : prefix ? prefix[1] : null;
  if (!piped && !prefix) {
    throw new UnsupportedTemplate(
      `template action {{ ${action} }} is not supported; use {{ $labels.<name> }}, {{ $value }} or {{ $value | humanize }} (also humanizePercentage, humanizeDuration)`,
    );
  }
  if (value === undefined) throw new UnsupportedTemplate('the template shows $value, so the rule test needs `test.value`');
  switch (fn) {
    case 'humanize':
      return humanize(value);
    case 'humanizePercentage':
      return `${formatG(value * 100, 4)}%`;
    case 'humanizeDuration':
      return humanizeDuration(value);
    default:
      return goFloat(value);
  }
}

/** Go's fmt "%.<p>g": like JS toExponential, except that exact decimal ties round to even. */
export function formatG(v: number, precision: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const rounded = roundHalfEven(v, precision);
  const [mantissa, expStr] = rounded.toExponential(precision - 1).split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= precision) {
    const m = trimZeros(mantissa);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return trimZeros(rounded.toFixed(Math.max(0, precision - 1 - exp)));
}

/**
 * `v` nudged so that JS's round-half-up gives Go's round-half-even at `precision` significant digits. A tie is a
 * value whose exact decimal expansion ends in 5 right after the kept digits (e.g. 128.25 at 4 digits).
 */
function roundHalfEven(v: number, precision: number): number {
  // Fast path: a tie shows a 5 as the digit after the kept ones (nothing after it to round); most values do not.
  const short = Math.abs(v).toExponential(precision);
  if (short[short.indexOf('e') - 1] !== '5') return v;
  const [digits, exp] = Math.abs(v).toExponential(precision + 24).split('e');
  const mantissa = digits.replace('.', '');
  const rest = mantissa.slice(precision);
  if (!/^50*$/.test(rest)) return v;
  const lastKept = Number(mantissa[precision - 1]);
  if (lastKept % 2 === 1) return v; // rounding up lands on an even digit: JS does that already
  const truncated = Number(`${mantissa[0]}.${mantissa.slice(1, precision)}e${exp}`);
  return v < 0 ? -truncated : truncated;
}

const trimZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

/** Go's strconv 'g' -1 (how a template prints a bare float64). */
function goFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return formatG(v, 4) + prefix;
}

function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return formatG(v, 4);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const total = Math.trunc(v);
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatG(v, 4)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatG(v, 4)}${prefix}s`;
}
