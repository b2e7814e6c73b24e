/**
 * The demo app: a small chat-backend stand-in that exports the seed metrics, writes the seed JSON logs and takes
 * fault injection over HTTP. It serves real requests and also generates its own synthetic traffic (the same model,
 * without waiting for the simulated durations) at a bounded rate, so a scraping Prometheus always has data.
 * Dependencies (Redis, PostgreSQL, the AI model) and WebSocket clients are simulated: nothing else needs to run.
 *
 *   GET  /metrics                      the app's metrics (HTTP, database, cache, AI, WebSocket, system, users)
 *   GET  /exporters/{redis,postgres}/metrics   simulated redis_exporter / postgres_exporter (redis_up, pg_up)
 *   GET  /healthz                      {"status":"ok","faults":{...}}
 *   GET  /health                       {"status":"healthy"} (the seed backend's health endpoint, probed by the dev stack)
 *   GET  /faults | POST /faults {"errorRate":0.5,"latencyMs":6000,"dependencyDown":"redis"} | DELETE /faults
 *   GET  /api/chat/history, POST /api/chat, GET /api/users/me, GET /api/health   the simulated API
 */
import * as http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createMetrics, DemoMetrics, Dependency, DEPENDENCIES, EXPORTER_FAMILIES, ExporterFamily, MetricsOptions } from './metrics';
import { JsonLogs, Level, RequestExtra } from './logs';
import { simulateUsers } from './users';
import { applyFaults, Faults, MAX_LATENCY_MS, NO_FAULTS } from './faults';

export interface DemoAppOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  logDir: string;
  /** Synthetic requests per second (0 disables the generator; capped at MAX_RPS). */
  rps?: number;
  /** Also serve the simulated exporters' /metrics on these ports (like redis_exporter on 9121). */
  exporterPorts?: Partial<Record<'redis' | 'postgres', number>>;
  /** Per family, the names, labels and values to export under (see stack-config.ts); default: the family's own. */
  mappings?: MetricsOptions['mappings'];
}

export interface DemoApp {
  url: string;
  port: number;
  faults(): Faults;
  close(): Promise<void>;
}

export const MAX_RPS = 1000;
const TICK_MS = 100;
const AI_MODEL = 'llama3';

interface Route {
  method: string;
  endpoint: string;
  /** Relative share of synthetic traffic. */
  weight: number;
  cache?: boolean;
  db?: 'select' | 'insert';
  ai?: boolean;
}

export const ROUTES: Route[] = [
  { method: 'GET', endpoint: '/api/chat/history', weight: 4, cache: true, db: 'select' },
  { method: 'POST', endpoint: '/api/chat', weight: 3, cache: true, db: 'insert', ai: true },
  { method: 'GET', endpoint: '/api/users/me', weight: 2, db: 'select' },
  { method: 'GET', endpoint: '/api/health', weight: 1 },
];
const TOTAL_WEIGHT = ROUTES.reduce((s, r) => s + r.weight, 0);

interface Outcome {
  extra: RequestExtra;
  sizeBytes: number;
  /** Application log events of the request, written with the final request fields once it completes. */
  events: Array<[Level, string, string]>;
}

export async function createDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  const logs = new JsonLogs(options.logDir);
  const metrics = createMetrics({ diskPath: options.logDir, mappings: options.mappings });
  const rps = Math.min(Math.max(options.rps ?? 5, 0), MAX_RPS);
  let faults: Faults = NO_FAULTS;
  const { counter, gauge, histogram } = metrics;
  const down = (dep: Dependency) => faults.dependencyDown.includes(dep);
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
  const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);
  const lastSeen = new Map<number, number>();
  let wsOpen = 20;
  // What the simulated redis_exporter and postgres_exporter report.
  let pgSize = 50_000_000;
  function updateExporters(pool?: number): void {
    gauge('redis', 'redis_up').set(down('redis') ? 0 : 1);
    gauge('postgres', 'pg_up').set(down('postgres') ? 0 : 1);
    // The app's health check of the model backend: reported whether or not AI requests arrive.
    gauge('ai', 'ai_up').set(down('ai') ? 0 : 1);
    if (!down('redis')) {
      gauge('redis', 'redis_connected_clients').set(3 + (wsOpen % 5));
      gauge('redis', 'redis_memory_used_bytes').set(2_000_000 + Math.round(Math.random() * 100_000));
      gauge('redis', 'redis_memory_max_bytes').set(64_000_000);
      gauge('redis', 'redis_db_keys').labels({ db: 'db0' }).set(1_000 + (wsOpen % 50));
      counter('redis', 'redis_evicted_keys_total').inc(0);
    }
    if (!down('postgres')) {
      const db = { datname: 'chat' };
      if (pool !== undefined) gauge('postgres', 'pg_stat_database_numbackends').labels(db).set(pool);
      gauge('postgres', 'pg_database_size_bytes').labels(db).set(pgSize);
      gauge('postgres', 'pg_settings_max_connections').set(100);
    }
  }

  /** Runs the simulated work of one request: records the dependency metrics and decides the response. */
  function handle(route: Route): Outcome {
    const requestId = randomUUID();
    const userId = Math.random() < 0.2 ? null : 1 + Math.floor(Math.random() * 200);
    let ms = between(1, 8);
    let status = 200;
    // An OpenTelemetry-style trace id (32 hex digits): Grafana's Loki → Jaeger link reads `extra.trace_id`.
    const ctx = { request_id: requestId, trace_id: randomBytes(16).toString('hex'), user_id: userId, path: route.endpoint, method: route.method };
    const events: Outcome['events'] = [];
    let cacheHit = false;
    if (route.cache) {
      ms += between(0.2, 2);
      if (down('redis')) {
        counter('cache', 'cache_misses_total').labels({ cache: 'redis' }).inc();
        events.push(['WARNING', 'cache', 'Redis unreachable, serving without cache']);
      } else {
        cacheHit = Math.random() < 0.8;
        counter('cache', cacheHit ? 'cache_hits_total' : 'cache_misses_total').labels({ cache: 'redis' }).inc();
        // What redis_exporter would see: one lookup command, a keyspace hit or miss.
        counter('redis', 'redis_commands_processed_total').inc();
        counter('redis', cacheHit ? 'redis_keyspace_hits_total' : 'redis_keyspace_misses_total').inc();
      }
    }
    if (route.db && !(cacheHit && route.db === 'select')) {
      if (down('postgres')) {
        status = 503;
        events.push(['ERROR', 'db', 'Database unreachable']);
      } else {
        const q = between(2, 30) * (route.db === 'insert' ? 1.5 : 1);
        ms += q;
        counter('database', 'db_queries_total').labels({ operation: route.db }).inc();
        histogram('database', 'db_query_duration_seconds').labels({ operation: route.db }).observe(q / 1000);
        counter('postgres', 'pg_stat_database_xact_commit').labels({ datname: 'chat' }).inc();
        if (route.db === 'insert') pgSize += 512;
      }
    }
    if (route.ai && status === 200) {
      const model = { model: AI_MODEL };
      if (Math.random() < 0.3) {
        // Served from the AI response cache: no generation.
        counter('ai', 'ai_cache_hits_total').labels(model).inc();
        ms += between(1, 3);
      } else {
        counter('ai', 'ai_cache_misses_total').labels(model).inc();
        if (down('ai')) {
          counter('ai', 'ai_requests_total').labels({ ...model, status: 'error' }).inc();
          histogram('ai', 'ai_request_duration_seconds').labels(model).observe(0.05);
          ms += 50;
          status = 502;
          events.push(['ERROR', 'ai', 'AI generation failed: model backend unreachable']);
        } else {
          const gen = between(150, 600);
          ms += gen;
          counter('ai', 'ai_requests_total').labels({ ...model, status: 'success' }).inc();
          histogram('ai', 'ai_request_duration_seconds').labels(model).observe(gen / 1000);
          counter('ai', 'ai_tokens_total').labels({ ...model, type: 'prompt' }).inc(Math.round(between(50, 500)));
          counter('ai', 'ai_tokens_total').labels({ ...model, type: 'completion' }).inc(Math.round(between(100, 800)));
        }
      }
    }
    if (status === 200 && Math.random() < faults.errorRate) {
      status = pick([500, 502, 503]);
      if (route.db === 'insert') counter('postgres', 'pg_stat_database_xact_rollback').labels({ datname: 'chat' }).inc();
      events.push(['ERROR', 'api', 'Unhandled error while serving the request (injected fault)']);
    }
    // A small baseline of client errors, below the 5% warning threshold.
    if (status === 200 && Math.random() < 0.01) status = route.endpoint === '/api/users/me' ? 401 : 404;
    ms += faults.latencyMs;
    if (userId !== null) lastSeen.set(userId, Date.now());
    const sizeBytes = status === 200 ? Math.round(between(200, route.ai ? 20_000 : 5_000)) : 120;
    return { extra: { ...ctx, status_code: status, duration_ms: Math.round(ms * 100) / 100 }, sizeBytes, events };
  }

  function record(o: Outcome, endpoint = o.extra.path): void {
    const { method, status_code, duration_ms } = o.extra;
    counter('http', 'http_requests_total').labels({ method, endpoint, status: String(status_code) }).inc();
    histogram('http', 'http_request_duration_seconds').labels({ method, endpoint }).observe(duration_ms / 1000);
    histogram('http', 'http_response_size_bytes').labels({ method, endpoint }).observe(o.sizeBytes);
    for (const [level, logger, message] of o.events) logs.log(level, logger, message, o.extra);
    logs.access(o.extra);
  }

  counter('postgres', 'pg_stat_database_xact_rollback').labels({ datname: 'chat' }).inc(0);
  updateExporters(10);

  // Synthetic traffic and the periodically sampled gauges ---------------------------------------------------------
  let carry = 0;
  let tick = 0;
  const timer = setInterval(() => {
    carry += (rps * TICK_MS) / 1000;
    for (; carry >= 1; carry -= 1) {
      let w = Math.random() * TOTAL_WEIGHT;
      const route = ROUTES.find((r) => (w -= r.weight) < 0) ?? ROUTES[0];
      record(handle(route));
    }
    // WebSocket: a few connection attempts per second; failures follow the injected error rate.
    if (Math.random() < 0.5) {
      counter('websocket', 'websocket_connection_attempts_total').inc();
      if (Math.random() < Math.max(0.01, faults.errorRate)) {
        counter('websocket', 'websocket_connection_failures_total').inc();
        logs.log('WARNING', 'websocket', 'WebSocket handshake failed', {});
      } else wsOpen += 1;
    }
    if (Math.random() < 0.45 && wsOpen > 0) wsOpen -= 1;
    gauge('websocket', 'websocket_connections_active').set(wsOpen);
    const pool = down('postgres') ? 0 : 5 + Math.floor(Math.random() * 10);
    gauge('database', 'db_connections').labels({ database: 'postgres' }).set(pool);
    simulateUsers(metrics, logs, rps, TICK_MS);
    if (++tick % 10 === 0) {
      const cutoff = Date.now() - 5 * 60_000;
      for (const [id, at] of lastSeen) if (at < cutoff) lastSeen.delete(id);
      gauge('http', 'active_users').set(lastSeen.size);
      metrics.sampleSystem();
      updateExporters(pool);
    }
  }, TICK_MS);
  timer.unref();

  // HTTP ---------------------------------------------------------------------------------------------------------
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    void serve(req, res).catch((err: Error) => {
      logs.log('ERROR', 'app', `internal error: ${err.message}`, {});
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo');
    const p = url.pathname;
    if (req.method === 'GET' && p === '/metrics') return sendText(res, await metrics.registry.metrics(), metrics.registry.contentType);
    const exporter = /^\/exporters\/([a-z]+)\/metrics$/.exec(p);
    if (req.method === 'GET' && exporter && (EXPORTER_FAMILIES as readonly string[]).includes(exporter[1])) {
      const reg = metrics.exporters[exporter[1] as ExporterFamily];
      return sendText(res, await reg.metrics(), reg.contentType);
    }
    if (p === '/healthz') return sendJson(res, 200, { status: 'ok', faults });
    // The seed backend's health endpoint (seeds 003/004), which the dev stack probes.
    if (p === '/health') return sendJson(res, 200, { status: 'healthy' });
    if (p === '/faults') {
      if (req.method === 'GET') return sendJson(res, 200, faults);
      if (req.method === 'DELETE') {
        setFaults(NO_FAULTS);
        return sendJson(res, 200, faults);
      }
      if (req.method === 'POST') {
        try {
          const body = await readBody(req);
          setFaults(applyFaults(faults, JSON.parse(body || '{}')));
        } catch (err) {
          return sendJson(res, 400, { error: (err as Error).message });
        }
        return sendJson(res, 200, faults);
      }
      return sendJson(res, 405, { error: 'use GET, POST or DELETE' });
    }
    const route = ROUTES.find((r) => r.endpoint === p && r.method === req.method);
    if (!route) {
      const extra = { request_id: randomUUID(), trace_id: randomBytes(16).toString('hex'), user_id: null, path: p, method: req.method ?? 'GET', status_code: 404, duration_ms: 0 };
      record({ extra, sizeBytes: 40, events: [] }, 'unmatched');
      return sendJson(res, 404, { error: 'not found' });
    }
    const started = Date.now();
    const outcome = handle(route);
    // A real request really takes the simulated time (bounded), injected latency included.
    await sleep(Math.min(outcome.extra.duration_ms, MAX_LATENCY_MS + 5000));
    outcome.extra.duration_ms = Date.now() - started;
    record(outcome);
    sendJson(res, outcome.extra.status_code, {
      request_id: outcome.extra.request_id,
      endpoint: route.endpoint,
      status: outcome.extra.status_code,
    });
  }

  function setFaults(next: Faults): void {
    for (const dep of DEPENDENCIES) {
      const was = down(dep);
      const now = next.dependencyDown.includes(dep);
      if (!was && now) logs.log('CRITICAL', dep === 'ai' ? 'ai' : dep === 'postgres' ? 'db' : 'cache', `${dep} is down (injected fault)`, {});
      if (was && !now) logs.log('INFO', dep === 'ai' ? 'ai' : dep === 'postgres' ? 'db' : 'cache', `${dep} is reachable again`, {});
    }
    const changed = JSON.stringify(next) !== JSON.stringify(faults);
    faults = next;
    updateExporters();
    if (changed) logs.log(isClear(next) ? 'INFO' : 'WARNING', 'faults', isClear(next) ? 'Faults cleared' : 'Faults injected', { faults: next });
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        pending.delete(t);
        resolve();
      }, ms);
      pending.add(t);
    });
  }

  const listen = (srv: http.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, options.host ?? '127.0.0.1', () => resolve((srv.address() as AddressInfo).port));
    });
  const port = await listen(server, options.port);
  const exporterServers: http.Server[] = [];
  for (const [name, p] of Object.entries(options.exporterPorts ?? {}) as Array<['redis' | 'postgres', number]>) {
    if (!p) continue;
    const reg = metrics.exporters[name];
    const srv = http.createServer((req, res) => {
      if (req.url === '/metrics') void reg.metrics().then((text) => sendText(res, text, reg.contentType));
      else sendJson(res, 404, { error: 'not found' });
    });
    await listen(srv, p);
    exporterServers.push(srv);
  }
  logs.log('INFO', 'app', `demo app listening on ${options.host ?? '127.0.0.1'}:${port}`, { rps, log_dir: options.logDir });

  return {
    url: `http://${hostForUrl(options.host ?? '127.0.0.1')}:${port}`,
    port,
    faults: () => faults,
    async close() {
      clearInterval(timer);
      for (const t of pending) clearTimeout(t);
      pending.clear();
      await Promise.all(
        [server, ...exporterServers].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      logs.log('INFO', 'app', 'demo app stopped', {});
      await logs.close();
    },
  };
}

export type { DemoMetrics };

const isClear = (f: Faults) => f.errorRate === 0 && f.latencyMs === 0 && f.dependencyDown.length === 0;
const hostForUrl = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: http.ServerResponse, text: string, contentType: string): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`body larger than ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
