/** Prometheus durations ("1h30m", "90s") to milliseconds and back. */
const UNITS: Record<string, number> = { y: 365 * 86400e3, w: 7 * 86400e3, d: 86400e3, h: 3600e3, m: 60e3, s: 1e3, ms: 1 };

export function parseDuration(text: string): number {
  const re = /(\d+)(ms|y|w|d|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(re)) {
    total += Number(match[1]) * UNITS[match[2]];
    consumed += match[0].length;
  }
  if (consumed !== text.length || text.length === 0) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return total;
}

/** Milliseconds → the shortest Prometheus duration, e.g. 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let out = '';
  for (const [unit, size] of Object.entries(UNITS)) {
    if (unit === 'y' || unit === 'w') continue;
    const n = Math.floor(ms / size);
    if (n > 0) {
      out += `${n}${unit}`;
      ms -= n * size;
    }
  }
  return out;
}
