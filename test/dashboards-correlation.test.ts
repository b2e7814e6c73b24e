import { renderStack } from '../src/render';
import { CATALOG } from '../alert-rules/catalog';
import { COMPONENT_METRICS, familySeries, METRIC_FAMILIES, providedSeries, SCRAPE_METRICS } from '../src/metrics';
import { referencedMetrics } from '../src/promql';
import { parseLogQL, substituteVariables } from '../src/check-dashboards';
import { jaegerCorrelation, lokiCorrelation, traceIdRegex, TRACE_ID_FIELD, TRACE_ID_REGEX } from '../src/render/correlation';
import { RULE_SET_NAMES } from '../src/schema';
import type { StackInput } from '../src/schema';
import { parseYaml, validate } from './helpers';
import devFixture from './fixtures/seed-stack';

/** A deep copy of the dev fixture (a pinned copy of stacks/dev.ts: users edit that one). */
const devInput = (): StackInput => JSON.parse(JSON.stringify(devFixture));

const dev = validate(devInput());

describe('metric families: one definition for alerts, dashboards and exporters', () => {
  const catalogMetrics = (group: keyof typeof CATALOG): string[] =>
    CATALOG[group].flatMap((a) => {
      const s = a.spec as any;
      return [s.metric, s.histogram, s.numerator?.metric, ...(s.denominator?.metrics ?? [])].filter(Boolean);
    });

  test.each(RULE_SET_NAMES.map((f) => [f]))('every metric of the %s rule set is in its family', (family) => {
    const metrics = catalogMetrics(family);
    expect(metrics.length).toBeGreaterThan(0);
    for (const m of metrics) expect(familySeries(family)).toContain(m);
  });

  test('stack alerts use component metrics', () => {
    const known = new Set([...Object.keys(SCRAPE_METRICS), ...Object.values(COMPONENT_METRICS).flatMap((c) => Object.keys(c))]);
    for (const m of catalogMetrics('stack')) expect(known).toContain(m);
  });

  test('every metric the dev rules read is provided by a dev target', () => {
    const provided = providedSeries(dev);
    const files = renderStack(dev);
    const rules = Object.keys(files).filter((f) => f.startsWith('prometheus/rules/'));
    const all = rules.flatMap((f) => parseYaml(files[f]).groups.flatMap((g: any) => g.rules));
    // Series a recording rule writes (src/render/recording.ts) are provided by Prometheus itself.
    const recorded = new Set(all.filter((r: any) => r.record).map((r: any) => r.record));
    const read = all.flatMap((r: any) => referencedMetrics(r.expr));
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter((m: string) => !provided.has(m) && !recorded.has(m))).toEqual([]);
  });

  test('histograms expand to _bucket/_sum/_count; metrics a target drops are not provided', () => {
    expect(familySeries('http')).toEqual(expect.arrayContaining(['http_request_duration_seconds_bucket', 'http_request_duration_seconds_count']));
    expect(Object.keys(METRIC_FAMILIES).sort()).toEqual([...RULE_SET_NAMES].sort());
    const input = devInput();
    input.scrapeTargets![0].dropMetrics = ['ai_tokens_.*'];
    const provided = providedSeries(validate(input));
    expect(provided.has('ai_tokens_total')).toBe(false);
    expect(provided.get('ai_requests_total')).toEqual(['backend']);
    expect(provided.get('up')).toEqual(expect.arrayContaining(['prometheus', 'backend', 'redis']));
  });
});

describe('metrics ↔ logs ↔ traces correlation in the provisioned datasources', () => {
  // Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
  let datasources: any[];
  beforeEach(() => {
    datasources = parseYaml(renderStack(dev)['grafana/provisioning/datasources/datasources.yml']).datasources;
  });
  const ds = (uid: string) => datasources.find((d: any) => d.uid === uid);
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  test('Loki: a derived field finds extra.trace_id in a seed JSON line and links to Jaeger', () => {
    const [field] = ds('loki').jsonData.derivedFields;
    // Grafana's derived-field keys (public/app/plugins/datasource/loki/types.ts DerivedFieldConfig); `$$` is a literal `$`.
    expect(field).toEqual({ name: 'TraceID', matcherType: 'regex', matcherRegex: TRACE_ID_REGEX, datasourceUid: 'jaeger', url: '$${__value.raw}', urlDisplayLabel: 'View trace' });
    const re = new RegExp(field.matcherRegex);
    // Python's json.dumps (", " and ": ") and JavaScript's JSON.stringify (no spaces).
    const python = `{"timestamp": "2026-01-01T00:00:00", "level": "ERROR", "logger": "app", "message": "boom", "extra": {"request_id": "r-1", "trace_id": "${traceId}", "path": "/api/chat"}}`;
    const js = JSON.stringify({ timestamp: 't', level: 'INFO', logger: 'a', message: 'm', extra: { request_id: 'r-2', trace_id: traceId } });
    expect(re.exec(python)?.[1]).toBe(traceId);
    expect(re.exec(js)?.[1]).toBe(traceId);
    expect(re.exec('{"extra": {"request_id": "r-3"}}')).toBeNull();
    expect(field.matcherRegex).toBe(TRACE_ID_REGEX);
  });

  test('Jaeger: traces to logs back to the JSON log sources in Loki, with a LogQL query that parses', () => {
    const v2 = ds('jaeger').jsonData.tracesToLogsV2;
    expect(v2).toEqual({ datasourceUid: 'loki', filterByTraceID: true, filterBySpanID: false, spanStartTimeShift: '-5m', spanEndTimeShift: '5m',
      customQuery: true, query: v2.query });
    expect(v2.query).toBe('{job=~"backend_logs|frontend_logs"} |= "$${__trace.traceId}"');
    const query = substituteVariables(v2.query.replace(/\$\$/g, '$'), { __trace: traceId });
    expect(query).toBe(`{job=~"backend_logs|frontend_logs"} |= "${traceId}"`);
    expect(parseLogQL(query)).toEqual([]);
  });

  test('Prometheus: exemplars carry trace_id and link to Jaeger', () => {
    expect(ds('prometheus').jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger', urlDisplayLabel: 'View trace' }]);
  });

  test('the logs query reads a single JSON source by equality; with no log source there is no query', () => {
    const v2 = (change: (i: StackInput) => void) => {
      const input = devInput();
      change(input);
      return jaegerCorrelation(validate(input)).tracesToLogsV2 as Record<string, unknown>;
    };
    // The dev fixture's JSON sources, as the query above pins them.
    expect(v2((i) => { i.logs!.sources = i.logs!.sources!.filter((s) => s.job !== 'frontend_logs'); }).query).toBe('{job="backend_logs"} |= "$${__trace.traceId}"');
    const none = v2((i) => { i.logs!.sources = []; });
    expect(none).not.toHaveProperty('query');
    expect(none).not.toHaveProperty('customQuery');
  });

  test('no link to a disabled component', () => {
    const input = devInput();
    input.components = { jaeger: { enabled: false } };
    const stack = validate(input);
    expect(lokiCorrelation(stack)).toEqual({});
    const noLoki = devInput();
    noLoki.components = { loki: { enabled: false }, promtail: { enabled: false } };
    expect(jaegerCorrelation(validate(noLoki))).toEqual({});
  });
});

describe('the trace id regex Grafana links with', () => {
  const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const capture = (re: string, line: string) => new RegExp(re).exec(line)?.[1];

  test('finds the seed key in JSON (any spacing) and logfmt lines, and captures only the id', () => {
    expect(TRACE_ID_REGEX).toBe(traceIdRegex([TRACE_ID_FIELD]));
    expect(capture(TRACE_ID_REGEX, `{"level":"INFO","trace_id":"${ID}"}`)).toBe(ID);
    expect(capture(TRACE_ID_REGEX, `{"trace_id" :  "${ID}", "x": 1}`)).toBe(ID);
    expect(capture(TRACE_ID_REGEX, `level=info trace_id=${ID} msg=done`)).toBe(ID);
  });

  test('refuses what is not a trace id under that key: too short, another key ending in it, no key', () => {
    expect(capture(TRACE_ID_REGEX, `trace_id=${ID.slice(0, 15)}`)).toBeUndefined();
    expect(capture(TRACE_ID_REGEX, `parent_trace_id=${ID}`)).toBeUndefined();
    expect(capture(TRACE_ID_REGEX, `id=${ID}`)).toBeUndefined();
  });

  test('with several keys, each one is found and no other', () => {
    const re = traceIdRegex(['trace_id', 'traceId']);
    expect(capture(re, `{"traceId":"${ID}"}`)).toBe(ID);
    expect(capture(re, `trace_id=${ID}`)).toBe(ID);
    expect(capture(re, `traceID=${ID}`)).toBeUndefined();
    expect(new RegExp(re).source.match(/\(/g)!.length - new RegExp(re).source.match(/\(\?:/g)!.length).toBe(1);
  });
});
