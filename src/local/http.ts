/** HTTP on 127.0.0.1 for the local stack: one request with a timeout, JSON, Prometheus queries. */
import * as http from 'node:http';

export interface HttpResult {
  status: number;
  body: string;
}

/** One HTTP request with a timeout. */
export function request(url: string, opts: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        timeout: opts.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${opts.method ?? 'GET'} ${url} timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export async function getJson<T = any>(url: string): Promise<T> {
  const res = await request(url);
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as T;
}

/** A Prometheus instant query; returns the result vector. */
export async function promQuery(base: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await getJson(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  if (res.status !== 'success') throw new Error(`query ${query}: ${JSON.stringify(res).slice(0, 300)}`);
  return res.data.result;
}

/** 200 from `url` within a second: true; anything else: undefined (a probe for waitFor). */
export const isReady = (url: string) => async (): Promise<true | undefined> =>
  (await request(url, { timeoutMs: 1000 })).status === 200 ? true : undefined;
