/**
 * A job's `/metrics` exposition (Prometheus text format 0.0.4), read from a saved file or a live http:// URL, and
 * parsed into what the contract check compares: each family's type, the label names its series carry and a
 * histogram's finite bucket bounds.
 *
 * Own parser, because the one npm package for the format, parse-prometheus-text-format 1.1.1 (its latest), merges
 * all labelled series of a histogram into one and drops their labels: exactly what this check must see. Grammar:
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details (HELP/TYPE lines, label values
 * escaping \\, \" and \n, optional timestamp, `_bucket`/`_sum`/`_count` belonging to a histogram or summary).
 */
import * as fs from 'node:fs';
import { ConfigError } from '../errors';

export type ExposedType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ExposedFamily {
  name: string;
  type: ExposedType;
  /** Label names on at least one series of the family (without `le` / `quantile`). */
  labels: Set<string>;
  /** A histogram's finite `le` bounds, ascending (over all its series). */
  buckets: number[];
  /** Sample lines of the family (0: declared by HELP/TYPE only, e.g. a labelled metric nothing observed yet). */
  samples: number;
  /** Which series the samples were: a histogram's `bucket`, `sum`, `count`; `value` for anything else. */
  parts: Set<SeriesPart>;
}

/** How a series name relates to its family: `x_bucket` is the `bucket` part of histogram `x`. */
export type SeriesPart = 'value' | 'bucket' | 'sum' | 'count';

export interface Exposition {
  job: string;
  /** Where it came from, for messages (a URL without credentials or query). */
  source: string;
  families: Map<string, ExposedFamily>;
  /** Series name → its family and part: what a PromQL selector can select. */
  series: Map<string, { family: ExposedFamily; part: SeriesPart }>;
}

const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses an exposition; a malformed line is bad input (ConfigError naming the source and line). */
export function parseExposition(text: string, job: string, source: string): Exposition {
  const families = new Map<string, ExposedFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', labels: new Set(), buckets: [], samples: 0, parts: new Set() }));
    return f;
  };
  const typed = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const fail = (message: string) => new ConfigError([{ source, path: `line ${i + 1}`, message: `${message}; expected Prometheus text format 0.0.4` }]);
    if (line === '') return;
    if (line.startsWith('#')) {
      const meta = /^#\s+TYPE\s+(\S+)\s+(\S+)$/.exec(line);
      if (meta) {
        if (!METRIC_NAME.test(meta[1])) throw fail(`invalid metric name "${meta[1]}"`);
        if (!TYPES.has(meta[2])) throw fail(`unknown type "${meta[2]}" for ${meta[1]}`);
        if (typed.has(meta[1]) || families.get(meta[1])?.samples) throw fail(`TYPE of ${meta[1]} after its first sample or given twice`);
        typed.add(meta[1]);
        family(meta[1]).type = meta[2] as ExposedType;
      } else if (/^#\s+TYPE\b/.test(line)) throw fail('a TYPE line needs a metric name and a type');
      return; // HELP and comments carry nothing the check compares
    }
    let sample: Sample;
    try {
      sample = parseSample(line);
    } catch (err) {
      throw fail((err as Error).message);
    }
    addSample(sample, families, family);
  });
  for (const f of families.values()) f.buckets.sort((a, b) => a - b);
  return { job, source, families, series: seriesIndex(families) };
}

/** Files a sample under its family: `x_bucket` etc. under histogram (or summary) `x`, anything else under its name. */
function addSample(sample: Sample, families: Map<string, ExposedFamily>, family: (name: string) => ExposedFamily): void {
  const m = /^(.*)_(bucket|sum|count)$/.exec(sample.name);
  const parent = m ? families.get(m[1]) : undefined;
  const owner = parent && (parent.type === 'histogram' || (parent.type === 'summary' && m![2] !== 'bucket')) ? parent : family(sample.name);
  const { le, quantile, ...labels } = sample.labels;
  for (const l of Object.keys(labels)) owner.labels.add(l);
  if (owner.type === 'histogram' && m?.[2] === 'bucket') {
    const bound = Number(le);
    if (Number.isFinite(bound) && !owner.buckets.includes(bound)) owner.buckets.push(bound);
  } else {
    if (owner.type !== 'summary' && quantile !== undefined) owner.labels.add('quantile');
    if (le !== undefined) owner.labels.add('le');
  }
  owner.samples++;
  owner.parts.add(owner === parent ? (m![2] as SeriesPart) : 'value');
}

/** One sample line: `name{label="value",...} value [timestamp]`. */
export function parseSample(line: string): Sample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) throw new Error(`a sample line must start with a metric name: ${JSON.stringify(line.slice(0, 40))}`);
  let rest = line.slice(name.length).trimStart();
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) rest = parseLabels(rest, labels).trimStart();
  const [value, timestamp, extra] = rest.split(/\s+/);
  if (!value || !VALUE.test(value)) throw new Error(`${name}: invalid sample value ${JSON.stringify(value ?? '')}`);
  if ((timestamp !== undefined && !/^-?\d+$/.test(timestamp)) || extra !== undefined) throw new Error(`${name}: unexpected text after the value: ${JSON.stringify(rest)}`);
  return { name, labels, value: Number(value.replace(/^([+-]?)Inf$/, '$1Infinity')) };
}

/** Reads `{a="x",b="y\"z"}` into `into`; returns what follows the closing brace. */
function parseLabels(text: string, into: Record<string, string>): string {
  let rest = text.slice(1).trimStart();
  while (!rest.startsWith('}')) {
    const label = LABEL_NAME.exec(rest)?.[0];
    if (!label) throw new Error(`invalid label name at ${JSON.stringify(rest.slice(0, 20))}`);
    rest = rest.slice(label.length).trimStart();
    if (!rest.startsWith('=')) throw new Error(`expected = after label ${label}`);
    rest = rest.slice(1).trimStart();
    if (!rest.startsWith('"')) throw new Error(`expected a quoted value for label ${label}`);
    let value = '';
    let i = 1;
    for (; i < rest.length && rest[i] !== '"'; i++) {
      // \\, \" and \n are the escapes; Prometheus keeps any other backslash sequence as it is.
      const escaped = rest[i] === '\\' && i + 1 < rest.length;
      if (!escaped) value += rest[i];
      else value += rest[++i] === 'n' ? '\n' : rest[i] === '\\' || rest[i] === '"' ? rest[i] : `\\${rest[i]}`;
    }
    if (i >= rest.length) throw new Error(`unterminated value of label ${label}`);
    if (label in into) throw new Error(`label ${label} given twice`);
    into[label] = value;
    rest = rest.slice(i + 1).trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (!rest.startsWith('}')) throw new Error(`expected , or } after label ${label}`);
  }
  return rest.slice(1);
}

function seriesIndex(families: Map<string, ExposedFamily>): Exposition['series'] {
  const out: Exposition['series'] = new Map();
  for (const family of families.values()) {
    // A family without samples may still have every part (nothing observed yet); else only the parts seen.
    const parts: SeriesPart[] =
      family.samples > 0 ? [...family.parts] : family.type === 'histogram' ? ['bucket', 'sum', 'count'] : family.type === 'summary' ? ['value', 'sum', 'count'] : ['value'];
    for (const part of parts) out.set(part === 'value' ? family.name : `${family.name}_${part}`, { family, part });
  }
  return out;
}

/** Bounded: a live /metrics answer that takes longer, or is larger, is refused. */
export const FETCH_TIMEOUT_MS = 10_000;
const MAX_BYTES = 50 * 1024 * 1024;

/** A URL as it may appear in messages: no user info, query or fragment (they can carry tokens). */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Reads `<file>` or fetches `http://…` (text format 0.0.4 asked for, redirects refused, bounded time and size). */
export async function readExposition(job: string, location: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<Exposition> {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(location)) return parseExposition(readFile(location), job, location);
  const url = new URL(location);
  const source = redactUrl(url);
  const fail = (message: string) => new ConfigError([{ source: `--metrics ${job}=${source}`, path: '$', message }]);
  if (url.protocol !== 'http:') throw fail(`only http:// URLs are fetched; expected http://host:port/metrics or a saved file`);
  // fetch refuses URLs with user info: send it as basic auth instead (it never appears in a message).
  const headers: Record<string, string> = { accept: 'text/plain;version=0.0.4' };
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = url.password = '';
  }
  let text: string;
  try {
    const res = await fetch(url, { headers, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_BYTES) throw new Error(`answer of ${length} bytes is larger than ${MAX_BYTES}`);
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message ?? e.message);
    throw fail(`cannot fetch the exposition (${why}); expected a reachable /metrics endpoint`);
  }
  return parseExposition(text, job, source);
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ source: file, path: '$', message: `cannot read the exposition file (${(err as NodeJS.ErrnoException).code}); expected a saved /metrics text` }]);
  }
}
