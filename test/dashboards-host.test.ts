/**
 * The Host and containers dashboard (dashboards/host.ts): present iff node-exporter or cAdvisor is enabled and
 * scraped, a row per exporter, every query parses and reads that exporter's metrics (metrics/families.ts
 * HOST_METRICS, the names at the pinned exporter versions), and every dashboard check passes on it. Failing
 * fixtures: a job that drops the CPU metric, a query that counts without rate.
 */
import { renderStack } from '../src/render';
import { checkDashboards, DashboardFile } from '../src/check-dashboards';
import { HOST_METRICS } from '../metrics/families';
import { parsePromQL, referencedMetrics } from '../src/promql';
import type { StackInput } from '../src/schema';
import { findCheck } from '../src/checks';
import type { CheckContext, RuleEntry } from '../src/checks/types';
import type { Stack } from '../src/schema';
import { seedInput, validate } from './helpers';
import { checkFailures } from './stack-checks';

const FILE = 'grafana/dashboards/Infrastructure/stack-host.json';
const NODE = { job: 'node', targets: ['node-exporter:9100'] };
const CADVISOR = { job: 'cadvisor', targets: ['cadvisor:8080'] };

/** The seed fixture with the given host exporters enabled and scraped by one job each. */
function withExporters(node: boolean, cadvisor: boolean, change: (input: StackInput) => void = () => {}) {
  const input = seedInput();
  input.components = { ...input.components, nodeExporter: { enabled: node }, cadvisor: { enabled: cadvisor } };
  input.scrapeTargets = [...input.scrapeTargets!, ...(node ? [{ ...NODE }] : []), ...(cadvisor ? [{ ...CADVISOR }] : [])];
  change(input);
  return validate(input);
}

const rows = (d: any): string[] => d.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
const queries = (d: any): Array<{ panel: string; expr: string }> =>
  d.panels.filter((p: any) => p.type !== 'row').flatMap((p: any) => p.targets.map((t: any) => ({ panel: p.title, expr: t.expr as string })));
/** Grafana's built-in interval in a range, a sample value so lezer can parse the query as Prometheus would. */
const concrete = (expr: string) => expr.replace(/\$__rate_interval/g, '5m');
const files = (rendered: Record<string, string>): DashboardFile[] =>
  Object.keys(rendered).filter((f) => f.startsWith('grafana/dashboards/')).map((file) => ({ file, text: rendered[file] }));

describe('Host and containers dashboard', () => {
  test.each([
    [false, false, []],
    [true, false, ['Host']],
    [false, true, ['Containers']],
    [true, true, ['Host', 'Containers']],
  ])('node-exporter %s, cAdvisor %s: rows %j', (node, cadvisor, expected) => {
    const out = renderStack(withExporters(node, cadvisor));
    if (expected.length === 0) expect(out[FILE]).toBeUndefined();
    else expect(rows(JSON.parse(out[FILE]))).toEqual(expected);
  });

  test('a target scraping the exporter address while the component is disabled gets no dashboard', () => {
    const stack = withExporters(false, false, (i) => i.scrapeTargets!.push({ job: 'node', targets: ['node-exporter:9100'] }));
    expect(renderStack(stack)[FILE]).toBeUndefined();
  });

  test('every query parses and reads its row exporter\'s metrics; the job variable offers the exporter jobs', () => {
    const d = JSON.parse(renderStack(withExporters(true, true))[FILE]);
    const nodeMetrics = Object.keys(HOST_METRICS.nodeExporter);
    const containerMetrics = Object.keys(HOST_METRICS.cadvisor);
    const read = new Set<string>();
    for (const { panel, expr } of queries(d)) {
      expect({ panel, errors: parsePromQL(concrete(expr)).errors }).toEqual({ panel, errors: [] });
      const metrics = referencedMetrics(concrete(expr));
      expect(metrics.length).toBeGreaterThan(0);
      const own = panel.startsWith('Container') ? containerMetrics : nodeMetrics;
      expect({ panel, foreign: metrics.filter((m) => !own.includes(m)) }).toEqual({ panel, foreign: [] });
      metrics.forEach((m) => read.add(m));
    }
    // The ones the brief names: host CPU, memory, filesystem, network; container CPU and working set.
    for (const m of ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_network_receive_bytes_total', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes']) {
      expect(read).toContain(m);
    }
    const job = d.templating.list.find((v: any) => v.name === 'job');
    expect(job.query).toBe(`${NODE.job},${CADVISOR.job}`);
  });

  test('every dashboard check passes on the rendered dashboards', () => {
    const stack = withExporters(true, true);
    const reports = checkDashboards(files(renderStack(stack)), stack);
    expect(reports.flatMap((r) => r.problems)).toEqual([]);
    expect(reports.find((r) => r.file === FILE)?.queries).toBeGreaterThan(0);
  });

  test('`check` (promtool, amtool and every named check) passes on the stack with both exporters', async () => {
    expect(await checkFailures(withExporters(true, true))).toEqual([]);
  }, 120_000);

  test('failing fixture: a node job that drops node_cpu_seconds_total fails metric provenance on the CPU panels', () => {
    const stack = withExporters(true, false, (i) => (i.scrapeTargets!.find((t) => t.job === 'node')!.dropMetrics = ['node_cpu_.*']));
    const problems = checkDashboards(files(renderStack(stack)), stack).flatMap((r) => r.problems);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => /Host CPU/.test(p) && /node_cpu_seconds_total/.test(p))).toBe(true);
  });

  test('failing fixture: a node-exporter panel without node-exporter names the component to enable', () => {
    const host = withExporters(true, false);
    const plain = withExporters(false, false);
    const problems = checkDashboards([{ file: FILE, text: renderStack(host)[FILE] }], plain).flatMap((r) => r.problems);
    expect(problems).toContainEqual(expect.stringContaining('node_memory_MemTotal_bytes, which no configured scrape target provides (node-exporter exports it: enable components.nodeExporter and scrape node-exporter:9100)'));
  });

  test('failing fixture: a counter of the host read without rate fails the counter check', () => {
    const stack = withExporters(true, false);
    const rendered = renderStack(stack);
    const d = JSON.parse(rendered[FILE]);
    const cpu = d.panels.find((p: any) => p.title === 'Host CPU busy');
    cpu.targets[0].expr = 'sum by (instance) (node_cpu_seconds_total{mode="idle",job=~"$job",instance=~"$instance"})';
    const problems = checkDashboards([{ file: FILE, text: JSON.stringify(d) }], stack).flatMap((r) => r.problems);
    expect(problems).toEqual([expect.stringMatching(/Host CPU busy.*node_cpu_seconds_total/)]);
  });
});

describe('rule checks know the host exporters\' metrics', () => {
  const rule = (expr: string): RuleEntry => ({ alert: 'HostCpuBusy', expr, for: '5m', labels: { severity: 'warning' }, annotations: { summary: 'Host CPU busy' } });
  const ctxOf = (stack: Stack, expr: string): CheckContext => ({ stack, source: 'test', filesDir: '', rules: [{ file: 'prometheus/rules/custom.yml', groups: [{ name: 'custom', rules: [rule(expr)] }] }], dashboards: [] });
  const run = (id: string, ctx: CheckContext) => findCheck(id)!.run(ctx).map((f) => f.message);
  const busy = 'avg by (job, service, instance) (rate(node_cpu_seconds_total{job="node",mode="idle"}[5m])) < 0.2';

  test('a node-exporter counter is known where the node job scrapes node-exporter, and unknown without it', () => {
    expect(run('rules/unknown-metric', ctxOf(withExporters(true, false), busy))).toEqual([]);
    const without = withExporters(false, false, (i) => i.scrapeTargets!.push({ job: 'node', targets: ['some-host:9100'] }));
    expect(run('rules/unknown-metric', ctxOf(without, busy))).toEqual([expect.stringContaining('node_cpu_seconds_total')]);
  });

  test('their types: a node counter compared raw fails, a cAdvisor gauge under rate fails', () => {
    const stack = withExporters(true, true);
    expect(run('rules/counter-rate', ctxOf(stack, 'node_cpu_seconds_total{job="node"} > 100'))).toEqual([expect.stringContaining('node_cpu_seconds_total')]);
    expect(run('rules/rate-on-gauge', ctxOf(stack, 'sum by (job, service) (rate(container_memory_working_set_bytes{job="cadvisor"}[5m])) > 1'))).toEqual([
      expect.stringContaining('container_memory_working_set_bytes'),
    ]);
  });
});
