/**
 * The dashboard checks of the registry (src/checks/dashboards/*), each on a small dashboard built here: the base
 * dashboard passes every check, and one change per row makes exactly the named check fail. The stack is the pinned
 * seed fixture (job backend with the http family and labels service/team, JSON log source backend_logs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Check, CheckContext } from '../src/checks/types';
import { dashboardChecks, dashboardFileChecks } from '../src/checks/dashboards';
import { assumeDatasources } from '../src/checks/dashboards/scope';
import { stackDatasources } from '../src/checks/dashboards/datasources';
import { checkContext } from '../src/checks/context';
import { excludes } from '../src/checks/exclusions';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { DASHBOARD_PROVIDER_FILE } from '../src/render/dashboards';
import type { Stack, StackInput } from '../src/schema';
import { tmpDir, validate } from './helpers';
import seed from './fixtures/seed-stack';

const input = (): StackInput => JSON.parse(JSON.stringify(seed));
const stack = validate(input());
const FILE = 'grafana/dashboards/Test/fixture.json';
const PROM = { type: 'prometheus', uid: '${prometheus_datasource}' };
const LOKI = { type: 'loki', uid: '${loki_datasource}' };
const SEL = 'http_requests_total{job=~"$job",instance=~"$instance"}';

/** A dashboard every check passes: datasource, job and instance variables, units, descriptions, rate intervals. */
function base(): any {
  return {
    uid: 'fixture',
    title: 'Fixture',
    templating: {
      list: [
        { type: 'datasource', name: 'prometheus_datasource', query: 'prometheus', current: { value: 'prometheus' } },
        { type: 'datasource', name: 'loki_datasource', query: 'loki', current: { value: 'loki' } },
        { type: 'custom', name: 'job', query: 'backend', multi: true, includeAll: true },
        { type: 'query', name: 'instance', datasource: PROM, query: 'label_values(up{job=~"$job"},instance)', multi: true, includeAll: true },
      ],
    },
    panels: [
      {
        id: 1,
        type: 'timeseries',
        title: 'Requests',
        description: 'Requests per second by status.',
        datasource: PROM,
        fieldConfig: { defaults: { unit: 'reqps' }, overrides: [] },
        targets: [{ refId: 'A', datasource: PROM, expr: `sum by (job, status) (rate(${SEL}[$__rate_interval]))`, legendFormat: '{{job}} {{status}}' }],
      },
      {
        id: 2,
        type: 'logs',
        title: 'Errors',
        description: 'Error lines of the backend.',
        datasource: LOKI,
        targets: [{ refId: 'A', datasource: LOKI, expr: '{job="backend_logs", level="ERROR"} | json' }],
      },
    ],
  };
}

function context(dash: unknown, s: Stack = stack): CheckContext {
  const text = typeof dash === 'string' ? dash : JSON.stringify(dash);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const ctx: CheckContext = { stack: s, source: 'test', filesDir: '', rules: [], dashboards: [{ file: FILE, text, json }] };
  assumeDatasources(ctx, stackDatasources(s));
  return ctx;
}

const byId = (id: string): Check => dashboardChecks.find((c) => c.id === id)!;
const run = (id: string, dash: unknown, s?: Stack) => byId(id).run(context(dash, s)).map((f) => `${f.subject}: ${f.message}`);
const changed = (change: (d: any) => void) => {
  const d = base();
  change(d);
  return d;
};
const requests = (d: any) => d.panels[0];
const setExpr = (expr: string) => (d: any) => (requests(d).targets[0].expr = expr);

test('every check has an id under dashboards/, a description, an explanation and a severity', () => {
  for (const c of dashboardChecks) {
    expect(c).toMatchObject({ target: 'dashboards', id: expect.stringMatching(/^dashboards\/[a-z-]+$/) });
    expect(c.description.length).toBeGreaterThan(10);
    expect(c.explain.length).toBeGreaterThan(40);
    expect(['error', 'warning']).toContain(c.severity);
  }
  expect(new Set(dashboardChecks.map((c) => c.id)).size).toBe(dashboardChecks.length);
});

test.each(dashboardFileChecks.map((c) => [c.id]))('the base dashboard passes %s', (id) => {
  expect(run(id, base())).toEqual([]);
});

/** [check id, what changes, the change, the finding expected]; every file check has at least one row. */
const FAILING: Array<[string, string, unknown, RegExp]> = [
  ['dashboards/query-parses', 'a PromQL query that does not parse', changed(setExpr('sum(rate(x[5m])')), /panel "Requests", query A: PromQL does not parse/],
  ['dashboards/query-parses', 'a LogQL query that does not parse', changed((d) => (d.panels[1].targets[0].expr = '{job="backend_logs" | json')), /panel "Errors", query A: LogQL does not parse/],
  ['dashboards/query-parses', 'a file that is not JSON', '{ "uid": ', /fixture.json: not a dashboard JSON object/],
  ['dashboards/datasources-provisioned', 'an unknown datasource uid', changed((d) => (requests(d).datasource = { type: 'prometheus', uid: 'nope' })), /panel "Requests": unknown datasource uid "nope"/],
  ['dashboards/datasources-provisioned', 'a datasource of the wrong type', changed((d) => (requests(d).targets[0].datasource = { type: 'loki', uid: 'prometheus' })), /query A: datasource "prometheus" is of type "prometheus", not "loki"/],
  ['dashboards/datasources-provisioned', 'a datasource by name', changed((d) => (requests(d).datasource = 'Prometheus')), /panel "Requests": datasource given by name "Prometheus"/],
  ['dashboards/variables-defined', 'an undefined variable', changed(setExpr(`sum by (job) (rate(http_requests_total{job=~"$job",instance=~"$node"}[$__rate_interval]))`)), /query A: uses variable \$node, which the dashboard does not define/],
  ['dashboards/variables-defined', 'a repeat over an undefined variable', changed((d) => (requests(d).repeat = 'region')), /panel "Requests": repeats over variable "region"/],
  ['dashboards/metric-provenance', 'a metric no target provides', changed(setExpr('sum by (job) (rate(chat_messages_sent_total{job=~"$job"}[$__rate_interval]))')), /queries chat_messages_sent_total, which no configured scrape target provides/],
  ['dashboards/metric-provenance', 'a metric the pinned job does not provide', changed(setExpr('sum by (job) (rate(http_requests_total{job="redis"}[$__rate_interval]))')), /queries http_requests_total from job redis, which does not provide it \(provided by: backend\)/],
  ['dashboards/log-jobs-shipped', 'a log job no source ships', changed((d) => (d.panels[1].targets[0].expr = '{job="nginx_logs"}')), /selects log job nginx_logs, which no configured log source ships/],
  ['dashboards/unique-identity', 'two panels with one id', changed((d) => (d.panels[1].id = 1)), /panel "Errors": id 1 also used by panel "Requests"/],
  ['dashboards/unique-identity', 'two panels with one title', changed((d) => (d.panels[1].title = 'Requests')), /another panel has the same title/],
  ['dashboards/unique-identity', 'a uid that is not the file name', changed((d) => (d.uid = 'other')), /file name fixture.json does not match uid "other"/],
  ['dashboards/rate-interval', 'rate over a fixed range', changed(setExpr(`sum by (job, status) (rate(${SEL}[5m]))`)), /query A: rate\(…\[5m\]\) ranges over a fixed duration; expected \[\$__rate_interval\]/],
  ['dashboards/rate-interval', 'increase over $__interval', changed(setExpr(`sum by (job, status) (increase(${SEL}[$__interval]))`)), /increase\(…\[1m\]\) ranges over a fixed duration/],
  ['dashboards/counter-rate', 'a counter summed raw', changed(setExpr(`sum by (job, status) (${SEL})`)), /counter http_requests_total is read directly under sum\(\)/],
  ['dashboards/counter-rate', 'a counter shown raw', changed(setExpr(SEL)), /counter http_requests_total is read as a raw value/],
  ['dashboards/label-provenance', 'a matcher on a label the metric lacks', changed(setExpr(`sum by (job, status) (rate(http_requests_total{job=~"$job",model="gpt"}[$__rate_interval]))`)), /label "model" in matcher model="gpt" is not a label of http_requests_total/],
  ['dashboards/label-provenance', 'a legend label the aggregation drops', changed((d) => (requests(d).targets[0].legendFormat = '{{endpoint}}')), /legend \{\{endpoint\}\}: the outermost aggregation keeps only job, status/],
  ['dashboards/label-provenance', 'a legend label no series carries', changed((d) => (requests(d).targets[0] = { ...requests(d).targets[0], expr: `rate(${SEL}[$__rate_interval])`, legendFormat: '{{model}}' })), /legend \{\{model\}\}: no series of the query carries it/],
  ['dashboards/label-provenance', 'a stream selector on a label the log pipeline does not set', changed((d) => (d.panels[1].targets[0].expr = '{job="backend_logs", pod="x"} | json')), /stream selector label "pod" is not a label of log job backend_logs; expected one of: file, filename, job, level, logger/],
  ['dashboards/log-fields', 'a label filter on a field the log source does not have', changed((d) => (d.panels[1].targets[0].expr = '{job="backend_logs"} | model="gpt"')), /query A: filters on "model", which log job backend_logs does not provide; expected one of: .*path.*, or a parser stage that extracts it/],
  ['dashboards/log-fields', 'grouping by a field no stage extracts', changed((d) => (d.panels[1].targets[0].expr = 'sum by (job, extra_path) (count_over_time({job="backend_logs"} [$__auto]))')), /query A: groups or labels by "extra_path", which log job backend_logs does not provide/],
  ['dashboards/panel-units', 'a time series without a unit', changed((d) => delete requests(d).fieldConfig), /panel "Requests": a timeseries panel without a unit/],
  ['dashboards/panel-title-description', 'a panel without a description', changed((d) => delete requests(d).description), /panel "Requests": has no description/],
  ['dashboards/panel-title-description', 'a panel without a title', changed((d) => (requests(d).title = '')), /panel "id 1": has no title/],
  ['dashboards/datasource-variable', 'no Prometheus datasource variable', changed((d) => d.templating.list.splice(0, 1)), /has no datasource variable of type prometheus/],
  ['dashboards/datasource-variable', 'a query on a fixed datasource uid', changed((d) => (d.panels[1].targets[0].datasource = d.panels[1].datasource = { type: 'loki', uid: 'loki' })), /panel "Errors", query A: runs on the fixed datasource uid "loki"/],
  ['dashboards/datasource-variable', 'a datasource variable misnamed', changed((d) => (d.templating.list[0].name = 'prom')), /datasource variable "prom" should be named prometheus_datasource/],
  ['dashboards/job-variable', 'no job variable', changed((d) => d.templating.list.splice(2, 1)), /dashboard "Fixture": has no "job" variable/],
  ['dashboards/job-variable', 'a single-select job variable', changed((d) => (d.templating.list[2].multi = false)), /variable "job" is not multi-select/],
  ['dashboards/instance-variable', 'no instance variable', changed((d) => d.templating.list.splice(3, 1)), /dashboard "Fixture": has no "instance" variable/],
  ['dashboards/instance-variable', 'an instance variable without All', changed((d) => (d.templating.list[3].includeAll = false)), /variable "instance" offers no "All"/],
];

test('every file check has a failing row', () => {
  expect(new Set(FAILING.map(([id]) => id))).toEqual(new Set(dashboardFileChecks.map((c) => c.id)));
});

test.each(FAILING)('%s fails on %s', (id, _what, dash, expected) => {
  expect(run(id, dash)).toEqual([expect.stringMatching(expected)]);
});

test('a dashboard panel grouping by a label its metric does not carry fails', () => {
  const dash = changed(setExpr(`sum by (job, status, model) (rate(${SEL}[$__rate_interval]))`));
  expect(run('dashboards/label-provenance', dash)).toEqual([
    'dashboard "Fixture": panel "Requests", query A: label "model" in by (model) is not a label of http_requests_total; expected one of: endpoint, instance, job, method, service, status, team',
  ]);
});

test('an exclusion names a dashboard by uid and a panel by title; another panel or dashboard stays reported', () => {
  const id = 'dashboards/label-provenance';
  const [finding] = byId(id).run(context(changed(setExpr(`sum by (job, status, model) (rate(${SEL}[$__rate_interval]))`))));
  const reason = 'the model label arrives with the next app release';
  // FILE is grafana/dashboards/Test/fixture.json: uid "fixture"; the failing panel is "Requests".
  expect(excludes({ check: id, dashboard: 'fixture', panel: 'Requests', reason }, id, finding)).toBe(true);
  expect(excludes({ check: id, dashboard: 'fixture', reason }, id, finding)).toBe(true);
  expect(excludes({ check: id, dashboard: 'fixture', panel: 'Errors', reason }, id, finding)).toBe(false);
  expect(excludes({ check: id, dashboard: 'overview', panel: 'Requests', reason }, id, finding)).toBe(false);
});

test("label names follow the target's label mapping: the exported name passes, the logical one fails", () => {
  const i = input();
  i.scrapeTargets![0].metrics = { http: { labels: { status: 'code' } } };
  const mapped = validate(i);
  expect(run('dashboards/label-provenance', base(), mapped)).toEqual([expect.stringMatching(/label "status" in by \(status\) is not a label of http_requests_total; expected one of: code, /)]);
  const exported = changed((d) => (requests(d).targets[0] = { ...requests(d).targets[0], expr: `sum by (job, code) (rate(${SEL}[$__rate_interval]))`, legendFormat: '{{code}}' }));
  expect(run('dashboards/label-provenance', exported, mapped)).toEqual([]);
});

test('a dashboard reading only recorded series (level:metric:op) needs no job or instance variable; one raw metric does', () => {
  const recorded = changed((d) => {
    d.templating.list.splice(2, 2);
    d.panels = [{ ...requests(d), targets: [{ refId: 'A', datasource: PROM, expr: 'slo:error_budget_remaining:ratio{slo="availability"}' }] }];
  });
  const ids = ['dashboards/job-variable', 'dashboards/instance-variable'];
  expect(ids.flatMap((id) => run(id, recorded))).toEqual([]);
  const mixed = changed((d) => {
    d.templating.list.splice(2, 2);
    d.panels = [{ ...requests(d), targets: [{ refId: 'A', datasource: PROM, expr: 'slo:error_budget_remaining:ratio{slo="availability"}' }, { refId: 'B', datasource: PROM, expr: 'sum(up)' }] }];
  });
  expect(ids.flatMap((id) => run(id, mixed))).toEqual([expect.stringMatching(/has no "job" variable/), expect.stringMatching(/has no "instance" variable/)]);
});

test.each([
  ['structured metadata, without a parser', '{job="backend_logs"} | path=~".*chat.*" | status_code >= 500'],
  ['a field a parser stage extracts under its name', 'sum by (route) (count_over_time({job="backend_logs"} | json route="extra.path" | route!="" [$__auto]))'],
  ['a regexp stage\'s named group', '{job="backend_logs"} | regexp "(?P<verb>GET|POST) " | verb="POST"'],
  ['anything after a parser without parameters (the fields depend on the line)', '{job="backend_logs"} | json | extra_model="gpt"'],
])('dashboards/log-fields passes %s', (_what, expr) => {
  expect(run('dashboards/log-fields', changed((d) => (d.panels[1].targets[0].expr = expr)))).toEqual([]);
});

test('a counter of another family is judged by its type, not its name: a gauge passes raw', () => {
  expect(run('dashboards/counter-rate', changed(setExpr('sum by (job) (active_users{job=~"$job"})')))).toEqual([]);
});

describe('the checks that compare with synth output', () => {
  const dir = tmpDir('ms-checkdash-');
  const filesDir = path.join(dir, 'out', 'files');
  writeTree(path.join(dir, 'out'), synthesize(stack));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runOn = (id: string) => byId(id).run(checkContext(stack, 'test', filesDir)).map((f) => `${f.file}: ${f.message}`);

  test('a fresh synth passes every dashboard check', () => {
    expect(dashboardChecks.flatMap((c) => c.run(checkContext(stack, 'test', filesDir)))).toEqual([]);
  });

  test('dashboards/provider-path fails when the provider reads another folder', () => {
    const file = path.join(filesDir, DASHBOARD_PROVIDER_FILE);
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, original.replace('/etc/grafana/dashboards', '/var/lib/grafana/dashboards'));
    try {
      expect(runOn('dashboards/provider-path')).toEqual([expect.stringMatching(/no file provider reads \/etc\/grafana\/dashboards, .*providers read: \/var\/lib\/grafana\/dashboards/)]);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test('dashboards/byte-stable fails on a dashboard edited by hand', () => {
    const file = path.join(filesDir, 'grafana/dashboards/Stack/stack-health.json');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, original.replace('"Stack health"', '"Stack Health"'));
    try {
      expect(runOn('dashboards/byte-stable')).toEqual(['grafana/dashboards/Stack/stack-health.json: differs from a fresh render']);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
