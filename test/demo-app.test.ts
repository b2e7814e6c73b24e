/**
 * The demo app (examples/demo-app), in process: it exports every metric of the families it claims (the names the
 * alert catalog and dashboards read, from src/metrics.ts), validates fault injection, and writes the seed JSON logs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDemoApp, DemoApp } from '../examples/demo-app/app';
import { APP_FAMILIES, EXPORTER_FAMILIES } from '../examples/demo-app/metrics';
import { METRIC_FAMILIES } from '../src/metrics';
import type { RuleSetName } from '../src/schema';
import { request, waitFor } from './e2e/harness';

let app: DemoApp;
let logDir: string;

beforeAll(async () => {
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-app-test-'));
  app = await createDemoApp({ port: 0, logDir, rps: 200 });
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(logDir, { recursive: true, force: true });
});

/** The series a family's metrics appear as in an exposition (a histogram as _bucket, _sum and _count). */
const exposed = (family: RuleSetName) =>
  Object.entries(METRIC_FAMILIES[family]).flatMap(([name, def]) =>
    def.type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
  );

/** Series names in a Prometheus text exposition. */
const seriesIn = (text: string) => new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]));

test('exports every series of its metric families, and of the simulated exporters on their own paths', async () => {
  // The generator needs a moment to produce the per-route series.
  const text = await waitFor(
    'a request of every route',
    async () => {
      const body = (await request(`${app.url}/metrics`)).body;
      return /endpoint="\/api\/health"/.test(body) && /operation="insert"/.test(body) && /ai_cache_hits_total\{/.test(body) ? body : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  const have = seriesIn(text);
  expect(APP_FAMILIES.flatMap(exposed).filter((s) => !have.has(s))).toEqual([]);
  for (const family of EXPORTER_FAMILIES) {
    const res = await request(`${app.url}/exporters/${family}/metrics`);
    expect(res.status).toBe(200);
    const exported = seriesIn(res.body);
    expect(exposed(family).filter((s) => !exported.has(s))).toEqual([]);
  }
  expect((await request(`${app.url}/exporters/nope/metrics`)).status).toBe(404);
});

test('fault injection: validated, merged, reflected in the exporters, cleared by DELETE', async () => {
  const post = (body: unknown) => request(`${app.url}/faults`, { method: 'POST', body });
  expect((await post({ errorRate: 2 })).status).toBe(400);
  expect((await post({ latencyMs: -1 })).status).toBe(400);
  expect((await post({ dependencyDown: 'mysql' })).status).toBe(400);
  expect((await post({ bogus: 1 })).status).toBe(400);

  const res = await post({ errorRate: 0.5, dependencyDown: 'redis' });
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toEqual({ errorRate: 0.5, latencyMs: 0, dependencyDown: ['redis'] });
  expect(JSON.parse((await post({ latencyMs: 10 })).body)).toEqual({ errorRate: 0.5, latencyMs: 10, dependencyDown: ['redis'] });
  expect((await request(`${app.url}/exporters/redis/metrics`)).body).toMatch(/^redis_up 0$/m);

  // With errors injected, the API answers 5xx at about the injected rate (the bound is loose: it is random).
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push((await request(`${app.url}/api/health`)).status);
  const errors = statuses.filter((s) => s >= 500).length;
  expect(errors).toBeGreaterThan(5);
  expect(errors).toBeLessThan(35);

  expect(JSON.parse((await request(`${app.url}/faults`, { method: 'DELETE' })).body)).toEqual({ errorRate: 0, latencyMs: 0, dependencyDown: [] });
  expect((await request(`${app.url}/exporters/redis/metrics`)).body).toMatch(/^redis_up 1$/m);
});

test('writes the seed JSON log format to app_, error_ and access_YYYYMMDD.log', async () => {
  await request(`${app.url}/faults`, { method: 'POST', body: { dependencyDown: 'postgres' } });
  await request(`${app.url}/api/users/me`);
  await request(`${app.url}/faults`, { method: 'DELETE' });
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const read = (kind: string) =>
    fs
      .readFileSync(path.join(logDir, `${kind}_${day}.log`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  const access = read('access');
  const app_ = read('app');
  const errors = read('error');
  for (const line of [...access, ...app_, ...errors]) {
    expect(Object.keys(line)).toEqual(['timestamp', 'level', 'logger', 'message', 'extra']);
    expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
    expect(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']).toContain(line.level);
  }
  for (const line of access) {
    expect(Object.keys(line.extra).filter((k) => k !== 'trace_id').sort()).toEqual(['duration_ms', 'method', 'path', 'request_id', 'status_code', 'user_id']);
    expect(line.extra.trace_id).toMatch(/^[0-9a-f]{32}$/); // links logs to traces
    expect(typeof line.extra.status_code).toBe('number');
    expect(typeof line.extra.duration_ms).toBe('number');
    expect(line.extra.user_id === null || Number.isInteger(line.extra.user_id)).toBe(true);
  }
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((l) => l.level === 'ERROR' || l.level === 'CRITICAL')).toBe(true);
  expect(errors.some((l) => l.level === 'CRITICAL' && /postgres is down/.test(l.message))).toBe(true);
  expect(errors.some((l) => l.logger === 'db' && l.extra.status_code === 503)).toBe(true);
});
