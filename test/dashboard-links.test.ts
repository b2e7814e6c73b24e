/**
 * `dashboard_url` on catalog alerts (src/render/dashboard-links.ts). Expectations come from the inputs: the alert's
 * first metric from the catalog spec (alert-rules/catalog.ts: a ratio's numerator, a latency's `_bucket`, a gauge's
 * or counter's metric, a raw expression's first), the Grafana address from the fixture (published on its bind
 * address and port, or `externalUrl`), and the panels of the rendered dashboard files. The `alerts/dashboard-url`
 * check passes on the rendered links and fails on a broken uid or panel.
 */
import * as path from 'node:path';
import { renderStack } from '../src/render';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { checkContext } from '../src/checks/context';
import { dashboardUrl } from '../src/checks/alerts/dashboard-url';
import type { CheckContext } from '../src/checks/types';
import { CATALOG } from '../alert-rules/catalog';
import { referencedMetrics } from '../src/promql';
import type { Stack, StackInput } from '../src/schema';
import { loadFixture, parseYaml, seedInput, tmpDir, validate } from './helpers';

const seed = loadFixture('dev');
const SPECS = new Map(Object.values(CATALOG).flatMap((alerts) => alerts.map((a) => [a.spec.name, a.spec as any])));

/** The metric an alert is about, read from its catalog spec. */
function firstMetric(name: string): string | undefined {
  const s = SPECS.get(name);
  if (s.kind === 'ratio') return s.numerator.metric;
  if (s.kind === 'latency') return `${s.histogram}_bucket`;
  if (s.kind === 'raw') return referencedMetrics(s.expr)[0];
  // A down alert watches `up` unless it names an exporter's gauge (src/schema.ts, kind 'down').
  return s.metric ?? (s.kind === 'down' ? 'up' : undefined);
}

interface Alert {
  alert: string;
  annotations: Record<string, string>;
}

/** The alerting rules of the catalog's rule files. */
function catalogAlerts(files: Record<string, string>): Alert[] {
  return Object.keys(CATALOG).flatMap((g) => {
    const text = files[`prometheus/rules/${g}.yml`];
    return text ? parseYaml(text).groups[0].rules.filter((r: any) => r.alert) : [];
  });
}

/** uid → panel id → the metrics its queries read, from the rendered dashboard files. */
function panelsByUid(files: Record<string, string>): Map<string, Map<number, string[]>> {
  const out = new Map<string, Map<number, string[]>>();
  for (const [file, text] of Object.entries(files)) {
    if (!file.startsWith('grafana/dashboards/')) continue;
    const d = JSON.parse(text);
    const panels = (d.panels ?? []).flatMap((p: any) => [p, ...(p.panels ?? [])]).filter((p: any) => p.type !== 'row');
    out.set(d.uid, new Map(panels.map((p: any) => [p.id, (p.targets ?? []).flatMap((t: any) => referencedMetrics(String(t.expr ?? '').replace(/\$__rate_interval/g, '5m')))])));
  }
  return out;
}

function withInput(change: (input: StackInput) => void): Stack {
  const input = seedInput();
  change(input);
  return validate(input);
}

describe('catalog alerts link to the panel of their metric', () => {
  // Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
  let files: Record<string, string>;
  let panels: ReturnType<typeof panelsByUid>;
  beforeEach(() => {
    files = renderStack(seed);
    panels = panelsByUid(files);
  });
  const grafana = `http://${seed.bindAddress}:${seed.components.grafana.port}/`;

  test('every link opens a panel of a rendered dashboard that reads the alert\'s metric', () => {
    const linked = catalogAlerts(files).filter((a) => a.annotations.dashboard_url !== undefined);
    expect(linked.length).toBeGreaterThan(10);
    for (const a of linked) {
      const m = /^(.*)d\/([\w-]+)\?viewPanel=panel-(\d+)$/.exec(a.annotations.dashboard_url);
      expect({ alert: a.alert, url: a.annotations.dashboard_url, grafana: m?.[1] }).toEqual({ alert: a.alert, url: a.annotations.dashboard_url, grafana });
      const reads = panels.get(m![2])?.get(Number(m![3]));
      expect({ alert: a.alert, reads: reads?.includes(firstMetric(a.alert)!) }).toEqual({ alert: a.alert, reads: true });
    }
  });

  test('in the seed stack every catalog alert that reads a metric is linked (the Watchdog reads none)', () => {
    const unlinked = catalogAlerts(files).filter((a) => a.annotations.dashboard_url === undefined).map((a) => a.alert);
    expect(unlinked).toEqual(catalogAlerts(files).filter((a) => firstMetric(a.alert) === undefined).map((a) => a.alert));
    expect(unlinked).toEqual(['Watchdog']);
  });

  test('an alert without a link has no panel reading its metric', () => {
    const read = new Set([...panels.values()].flatMap((byId) => [...byId.values()].flat()));
    const unlinked = catalogAlerts(files).filter((a) => a.annotations.dashboard_url === undefined);
    for (const a of unlinked) expect({ alert: a.alert, read: read.has(firstMetric(a.alert) ?? '') }).toEqual({ alert: a.alert, read: false });
  });

  test('the Grafana address is the externalUrl when set; tiers of one alert share the link', () => {
    const stack = withInput((i) => (i.components = { ...i.components, grafana: { externalUrl: 'https://ops.example.com/grafana' } }));
    const alerts = catalogAlerts(renderStack(stack)).filter((a) => a.annotations.dashboard_url);
    expect(alerts.length).toBeGreaterThan(10);
    for (const a of alerts) expect(a.annotations.dashboard_url).toMatch(/^https:\/\/ops\.example\.com\/grafana\/d\//);
    const cpu = alerts.filter((a) => a.alert === 'CpuUsageHigh').map((a) => a.annotations.dashboard_url);
    expect(cpu).toHaveLength(2);
    expect(new Set(cpu).size).toBe(1);
  });

  test('no link without an address users reach Grafana at, or without the dashboard that shows the metric', () => {
    const hidden = withInput((i) => (i.components = { ...i.components, grafana: { publish: false } }));
    expect(catalogAlerts(renderStack(hidden)).filter((a) => a.annotations.dashboard_url)).toEqual([]);
    // The system family's gauges are charted on the Performance dashboard only.
    const without = withInput((i) => (i.dashboards = { ...i.dashboards, include: ['stack-overview'] }));
    const cpu = catalogAlerts(renderStack(without)).find((a) => a.alert === 'CpuUsageHigh')!;
    expect(cpu.annotations.dashboard_url).toBeUndefined();
  });

  test('an override\'s own dashboard_url is kept', () => {
    const own = 'https://grafana.example.com/d/stack-overview';
    const stack = withInput((i) => (i.alerts = { ...i.alerts, overrides: { CpuUsageHigh: { annotations: { dashboard_url: own } } } }));
    const cpu = catalogAlerts(renderStack(stack)).filter((a) => a.alert === 'CpuUsageHigh');
    expect(cpu.map((a) => a.annotations.dashboard_url)).toEqual([own, own]);
  });
});

describe('alerts/dashboard-url on the rendered links', () => {
  let ctx: CheckContext;
  beforeAll(() => {
    const out = path.join(tmpDir('ms-dashboard-links-'), 'out');
    writeTree(out, synthesize(seed));
    ctx = checkContext(seed, 'test', path.join(out, 'files'));
  });

  /** The context with the first linked alert's URL replaced. */
  function withUrl(url: (old: string) => string): CheckContext {
    const rules = JSON.parse(JSON.stringify(ctx.rules));
    const rule = rules.flatMap((f: any) => f.groups.flatMap((g: any) => g.rules)).find((r: any) => r.annotations?.dashboard_url);
    rule.annotations.dashboard_url = url(rule.annotations.dashboard_url);
    return { ...ctx, rules };
  }

  test('passes on every rendered link', () => {
    expect(ctx.rules.flatMap((f) => f.groups.flatMap((g) => g.rules)).filter((r) => r.annotations?.dashboard_url).length).toBeGreaterThan(10);
    expect(dashboardUrl.run(ctx)).toEqual([]);
  });

  test('fails on a panel id the dashboard does not have, naming it', () => {
    const found = dashboardUrl.run(withUrl((u) => u.replace(/panel-\d+$/, 'panel-999')));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/opens panel "999", which dashboard "[\w-]+" does not have/);
  });

  test('fails on a uid no dashboard has; a numeric viewPanel of an existing panel passes', () => {
    expect(dashboardUrl.run(withUrl((u) => u.replace(/\/d\/[\w-]+/, '/d/gone')))[0].message).toMatch(/names uid "gone"/);
    expect(dashboardUrl.run(withUrl((u) => u.replace('viewPanel=panel-', 'viewPanel=')))).toEqual([]);
  });
});
