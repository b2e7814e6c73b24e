/**
 * Every catalog threshold and `for` is pinned to the seed table (test/fixtures/seed-table.ts), which cites the seed
 * document and line each value comes from. The expectation is the table, never the catalog itself.
 */
import { CATALOG, CatalogAlert } from '../alert-rules/catalog';
import { parseDuration } from '../src/duration';
import { SEED_TABLE, SeedRow } from './fixtures/seed-table';

/** What the table records for one catalog alert, read from the catalog. */
function rowOf(a: CatalogAlert): SeedRow {
  const spec = a.spec as { severity?: SeedSeverityLike; threshold?: number; for?: string };
  const thresholds = a.tiers ? { ...a.tiers } : spec.threshold !== undefined && spec.severity ? { [spec.severity]: spec.threshold } : undefined;
  return { ...(thresholds ? { thresholds } : { severity: spec.severity }), for: spec.for ?? '0s' };
}
type SeedSeverityLike = 'critical' | 'warning' | 'info';

/** One line per difference between the catalog and the table (missing rows both ways, thresholds, `for`). */
function catalogDiff(catalog: Record<string, CatalogAlert[]>, table: Record<string, SeedRow>): string[] {
  const alerts = Object.values(catalog).flat();
  const out: string[] = [];
  for (const a of alerts) {
    const want = table[a.spec.name];
    if (!want) {
      out.push(`${a.spec.name}: in the catalog, not in the seed table`);
      continue;
    }
    const got = rowOf(a);
    if (JSON.stringify(got.thresholds ?? null) !== JSON.stringify(want.thresholds ?? null)) {
      out.push(`${a.spec.name}: thresholds ${JSON.stringify(got.thresholds)}, seed table ${JSON.stringify(want.thresholds)}`);
    }
    if (!want.thresholds && got.severity !== want.severity) out.push(`${a.spec.name}: severity ${got.severity}, seed table ${want.severity}`);
    if (parseDuration(got.for) !== parseDuration(want.for)) out.push(`${a.spec.name}: for ${got.for}, seed table ${want.for}`);
  }
  const names = new Set(alerts.map((a) => a.spec.name));
  for (const name of Object.keys(table)) if (!names.has(name)) out.push(`${name}: in the seed table, not in the catalog`);
  return out;
}

test('every catalog alert has the threshold(s) and `for` of the seed table, and every row is in the catalog', () => {
  expect(catalogDiff(CATALOG, SEED_TABLE)).toEqual([]);
});

test('every value the seeds state is cited by file and line', () => {
  for (const [name, row] of Object.entries(SEED_TABLE)) {
    for (const ref of row.seed ?? []) expect(`${name} ${ref}`).toMatch(/ \d{3}_[0-9a-f]{16}\.txt:\d+(-\d+)? "/);
  }
});

describe('failing fixtures: the comparison catches a drift', () => {
  const tampered = (name: string, change: Partial<SeedRow>) => ({ ...SEED_TABLE, [name]: { ...SEED_TABLE[name], ...change } });

  test('a threshold', () => {
    expect(catalogDiff(CATALOG, tampered('HttpServerErrorRatioHigh', { thresholds: { critical: 0.05 } }))).toEqual([
      'HttpServerErrorRatioHigh: thresholds {"critical":0.01}, seed table {"critical":0.05}',
    ]);
  });

  test('one tier of a tiered alert', () => {
    expect(catalogDiff(CATALOG, tampered('CpuUsageHigh', { thresholds: { warning: 60, critical: 90 } }))).toHaveLength(1);
  });

  test('a `for`', () => {
    expect(catalogDiff(CATALOG, tampered('AiServiceDown', { for: '5m' }))).toEqual(['AiServiceDown: for 2m, seed table 5m']);
  });

  test('a missing and an extra row', () => {
    const { RedisDown: _gone, ...rest } = SEED_TABLE;
    expect(catalogDiff(CATALOG, { ...rest, Made_Up: { severity: 'info', for: '0s' } })).toEqual([
      'RedisDown: in the catalog, not in the seed table',
      'Made_Up: in the seed table, not in the catalog',
    ]);
  });
});
