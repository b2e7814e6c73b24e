/**
 * The multi-window, multi-burn-rate alert pairs of an SLO (Google SRE workbook, "Alerting on SLOs", table 5-8).
 * For a 30-day period: page when 2 % of the budget burns in 1 h (14.4x, checked with 5 m) or 5 % in 6 h (6x, with
 * 30 m); ticket when 10 % burns in 1 d (3x, with 2 h) or in 3 d (1x, with 6 h). Other periods scale every window by
 * period / 30 d (short window = long / 12) and derive the factor exactly: budget share × period / long window.
 */
import { formatDuration, parseDuration } from '../duration';

const DAY = 86_400_000;
const HOUR = 3_600_000;
export const REFERENCE_PERIOD = 30 * DAY;
/** The short window is a twelfth of the long one; the shortest (5 m at 30 d) is 30 d / 8640. */
export const SHORT_DIVISOR = 12;
/** A period must be a multiple of this for every window to be whole seconds: 30 d / 8640 s = 5 m ↔ 1 s. */
export const PERIOD_UNIT = REFERENCE_PERIOD / (5 * 60);

export type BurnSeverity = 'page' | 'ticket';

/** One long/short window pair at 30 days: the share of the budget (in percent) that burns in the long window. */
export const REFERENCE_PAIRS: ReadonlyArray<{ alert: BurnSeverity; budgetPercent: number; long: number }> = [
  { alert: 'page', budgetPercent: 2, long: 1 * HOUR },
  { alert: 'page', budgetPercent: 5, long: 6 * HOUR },
  { alert: 'ticket', budgetPercent: 10, long: 1 * DAY },
  { alert: 'ticket', budgetPercent: 10, long: 3 * DAY },
];

export interface BurnPair {
  alert: BurnSeverity;
  budgetPercent: number;
  /** Windows in ms. */
  long: number;
  short: number;
  /** The burn-rate factor as printed in the rules (exact decimal, no float noise) and as a number. */
  factorText: string;
  factor: number;
}

/** The pairs for a period (ms); the period must be a multiple of PERIOD_UNIT (validation checks it). */
export function burnPairs(period: number): BurnPair[] {
  return REFERENCE_PAIRS.map(({ alert, budgetPercent, long: long30 }) => {
    const long = (long30 * period) / REFERENCE_PERIOD;
    const factorText = decimal(BigInt(budgetPercent) * BigInt(period), 100n * BigInt(long));
    return { alert, budgetPercent, long, short: long / SHORT_DIVISOR, factorText, factor: Number(factorText) };
  });
}

/** Every window a recording rule is needed for, shortest first (ms). */
export function sloWindows(period: number): number[] {
  return [...new Set(burnPairs(period).flatMap((p) => [p.short, p.long]))].sort((a, b) => a - b);
}

export const windowText = (ms: number) => formatDuration(ms);
export const periodOf = (window: string) => parseDuration(window);

/** 1 − target as an exact decimal string: 0.999 → "0.001" (where 1 - 0.999 in floats is 0.0010000000000000009). */
export function budgetText(target: number): string {
  const { num, den } = rational(target);
  return decimal(den - num, den);
}

/** A decimal number (JavaScript's shortest form, e.g. 0.999 or 1e-7) as an exact fraction. */
export function rational(x: number): { num: bigint; den: bigint } {
  const [mantissa, exp = '0'] = String(x).split('e');
  const [int, frac = ''] = mantissa.split('.');
  let num = BigInt(int + frac);
  let den = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (e > 0) num *= 10n ** BigInt(e);
  else den *= 10n ** BigInt(-e);
  return { num, den };
}

/**
 * num / den as a decimal string: exact when it terminates (every factor of the reduced denominator is 2 or 5),
 * otherwise rounded to 12 significant digits; trailing zeros dropped.
 */
export function decimal(num: bigint, den: bigint): string {
  const g = gcd(num < 0n ? -num : num, den);
  [num, den] = [num / g, den / g];
  let d = den;
  for (const p of [2n, 5n]) while (d % p === 0n) d /= p;
  if (d !== 1n) return String(Number(Number(num) / Number(den)).toPrecision(12)).replace(/\.?0+$/, '').replace(/\.?0+e/, 'e');
  let scale = 0;
  while ((10n ** BigInt(scale)) % den !== 0n) scale++;
  const digits = ((num * 10n ** BigInt(scale)) / den).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return scale ? text.replace(/\.?0+$/, '') : text;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
