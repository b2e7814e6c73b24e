import * as fs from 'node:fs';
import fc from 'fast-check';
import * as path from 'node:path';
import { renderStack } from '../src/render';
import { buildDashboards, DASHBOARD_PROVIDER_FILE, renderDashboards, stableJson } from '../src/render/dashboards';
import { checkDashboards, DashboardFile, readDashboardFiles } from '../src/check-dashboards';
import { runChecks, formatReport } from '../src/check';
import { dashboardChecks } from '../src/checks/dashboards';
import { writeTree } from '../src/output';
import { synthesize } from '../src/synth';
import { DATASOURCE_UIDS } from '../src/datasources';
import { uploadsFor } from '../src/containers';
import type { StackInput } from '../src/schema';
import { parseYaml, REPO_ROOT, tmpDir, validate } from './helpers';
import devFixture from './fixtures/seed-stack';

/** A deep copy of the dev fixture (a pinned copy of stacks/dev.ts: users edit that one). */
const devInput = (): StackInput => JSON.parse(JSON.stringify(devFixture));
import { validStack } from './arbitraries';

const dev = validate(devInput());

const EXPECTED = [
  'grafana/dashboards/Application/stack-ai.json',
  'grafana/dashboards/Application/stack-overview.json',
  'grafana/dashboards/Application/stack-performance.json',
  'grafana/dashboards/Application/stack-users.json',
  'grafana/dashboards/Logs/stack-chat-interactions.json',
  'grafana/dashboards/Stack/stack-health.json',
];

function dashboardFiles(files: Record<string, string>): DashboardFile[] {
  return Object.keys(files)
    .filter((f) => f.startsWith('grafana/dashboards/'))
    .sort()
    .map((file) => ({ file, text: files[file] }));
}

const byTitle = (files: Record<string, string>) =>
  Object.fromEntries(dashboardFiles(files).map((f) => [JSON.parse(f.text).title as string, JSON.parse(f.text)]));

const allPanels = (d: any): any[] => (d.panels ?? []).flatMap((p: any) => [p, ...(p.panels ?? [])]);
const panel = (d: any, title: string) => allPanels(d).find((p) => p.type !== 'row' && p.title === title);

function stackWith(change: (input: StackInput) => void) {
  const input = devInput();
  change(input);
  return validate(input);
}

describe('dashboards for the dev stack', () => {
  // Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
  let files: Record<string, string>;
  beforeEach(() => {
    files = renderStack(dev);
  });

  test('synth writes the six dashboards in their folders and the provider', () => {
    expect(Object.keys(files).filter((f) => f.startsWith('grafana/dashboards/'))).toEqual(EXPECTED);
    expect(Object.keys(byTitle(files)).sort()).toEqual(['AI', 'Chat interactions', 'Overview', 'Performance', 'Stack health', 'Users']);
    const provider = parseYaml(files[DASHBOARD_PROVIDER_FILE]);
    expect(provider.apiVersion).toBe(1);
    expect(provider.providers).toEqual([
      expect.objectContaining({ type: 'file', options: { path: '/etc/grafana/dashboards', foldersFromFilesStructure: true } }),
    ]);
    // files/grafana/... is what the Grafana container receives; the provider reads where the dashboards land.
    expect(Object.keys(synthesize(dev))).toEqual(expect.arrayContaining(EXPECTED.map((f) => `files/${f}`)));
    const uploaded = uploadsFor('grafana', files).map((u) => u.file);
    expect(uploaded).toEqual(
      expect.arrayContaining([
        '/etc/grafana/provisioning/dashboards/dashboards.yml',
        ...EXPECTED.map((f) => `${provider.providers[0].options.path}/${f.slice('grafana/dashboards/'.length)}`),
      ]),
    );
  });

  test('the checks pass', () => {
    const reports = checkDashboards(dashboardFiles(files), dev);
    expect(reports.flatMap((r) => r.problems)).toEqual([]);
    expect(reports.every((r) => r.queries > 0)).toBe(true);
  });

  test('output is byte-stable: sorted keys, 2-space indent, trailing newline, same bytes twice', () => {
    const again = renderStack(validate(devInput()));
    for (const f of EXPECTED) {
      expect(again[f]).toBe(files[f]);
      expect(files[f].endsWith('}\n')).toBe(true);
      expect(stableJson(JSON.parse(files[f]))).toBe(files[f]);
    }
    expect(renderDashboards(dev)).toEqual(renderDashboards(validate(devInput())));
  });

  test('Grafana 12 dashboards with stable uids, datasource variables preset to the provisioned uids, exemplars on histogram latency panels', () => {
    const dashboards = byTitle(files);
    for (const d of Object.values(dashboards)) {
      expect(d.schemaVersion).toBeGreaterThanOrEqual(41);
      for (const p of allPanels(d).filter((x) => x.type !== 'row')) {
        const name = `${p.datasource.type}_datasource`;
        expect(p.datasource.uid).toBe(`\${${name}}`);
        const variable = d.templating.list.find((v: any) => v.name === name);
        expect(variable).toMatchObject({ type: 'datasource', query: p.datasource.type });
        expect(variable.current.value).toBe(DATASOURCE_UIDS[p.datasource.type as keyof typeof DATASOURCE_UIDS]);
        for (const t of p.targets) expect(t.datasource).toEqual(p.datasource);
      }
    }
    const latency = panel(dashboards.Overview, 'Latency p50 / p95 / p99');
    expect(latency.targets.map((t: any) => t.exemplar)).toEqual([true, true, true]);
    expect(latency.targets[1].expr).toBe(
      'histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket{job=~"$job",instance=~"$instance"}[$__rate_interval])))',
    );
    expect(panel(dashboards.Overview, 'Request rate by status').targets[0].exemplar).toBeUndefined();
  });

  test('the job variable offers exactly the configured jobs', () => {
    const d = byTitle(files);
    const job = (t: string) => d[t].templating.list.find((v: any) => v.name === 'job').query;
    const instance = (t: string) => d[t].templating.list.find((v: any) => v.name === 'instance');
    expect(job('Overview')).toBe('backend,redis,postgres');
    expect(job('AI')).toBe('backend');
    expect(job('Performance')).toBe('backend,redis,postgres');
    expect(job('Chat interactions')).toBe('backend_logs,frontend_logs');
    // Instances come from Prometheus, following the selected jobs (a discovered target is not in the config).
    for (const t of ['Overview', 'AI', 'Performance', 'Stack health']) {
      expect(instance(t)).toMatchObject({ type: 'query', definition: 'label_values(up{job=~"$job"},instance)', multi: true, includeAll: true });
    }
    expect(instance('Chat interactions')).toBeUndefined();
  });

  test('Users shows the seed 000 user metrics of the jobs declaring the users family', () => {
    const d = byTitle(files).Users;
    const exprs = allPanels(d).flatMap((p) => (p.targets ?? []).map((t: any) => t.expr as string));
    for (const m of ['active_users', 'user_registrations_total', 'user_logins_total', 'user_conversions_total', 'user_retention_ratio']) {
      expect(exprs.some((e) => e.includes(m))).toBe(true);
    }
    const usersJobs = devInput().scrapeTargets!.filter((t) => t.ruleSets?.includes('users')).map((t) => t.job);
    expect(d.templating.list.find((v: any) => v.name === 'job').query).toBe(usersJobs.join(','));
  });

  test('Users is left out without a users target, and drops active users when a target lacks the http family', () => {
    const without = stackWith((i) => i.scrapeTargets!.forEach((t) => (t.ruleSets = t.ruleSets?.filter((r) => r !== 'users'))));
    expect(byTitle(renderStack(without)).Users).toBeUndefined();
    const noHttp = stackWith((i) => i.scrapeTargets!.forEach((t) => (t.ruleSets = t.ruleSets?.filter((r) => r !== 'http'))));
    const titles = allPanels(byTitle(renderStack(noHttp)).Users).map((p) => p.title);
    expect(titles).toContain('Retention by period');
    expect(titles).not.toContain('Active users');
  });

  test('Chat interactions reads the seed JSON sources without a parser: level is a label, path and status_code structured metadata', () => {
    const chat = byTitle(files)['Chat interactions'];
    const exprs: string[] = allPanels(chat).flatMap((p) => (p.targets ?? []).map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThan(0);
    expect(exprs.every((e) => /\{job=~"\$job", file=~"(app|access)\|"\} \| (path|level|status_code)/.test(e))).toBe(true);
    expect(exprs.filter((e) => e.includes('| json'))).toEqual([]);
    expect(panel(chat, 'Log lines by job and level').targets[0].expr).toContain('sum by (job, level)');
    expect(panel(chat, 'Error lines').type).toBe('logs');
    // The seed's error levels (Python logging), matched case-insensitively.
    expect(panel(chat, 'Error lines').targets[0].expr).toContain('level=~"(?i)(ERROR|CRITICAL)"');
    expect(panel(chat, 'Recent logs').type).toBe('logs');
  });

  test('no hand-written dashboard JSON in the repository', () => {
    const json = fs.readdirSync(path.join(REPO_ROOT, 'dashboards'), { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
    expect(json).toEqual([]);
  });
});

describe('dashboards follow the stack config', () => {
  test('no `ai` family: no AI dashboard; no `websocket` family: no WebSocket panels', () => {
    const stack = stackWith((i) => {
      i.scrapeTargets![0].ruleSets = ['http', 'database', 'cache', 'system'];
    });
    const files = renderDashboards(stack);
    expect(Object.keys(files)).not.toContain('grafana/dashboards/Application/stack-ai.json');
    const overview = byTitle(files).Overview;
    expect(allPanels(overview).map((p) => p.title)).not.toContain('WebSocket connections');
    expect(checkDashboards(dashboardFiles(files), stack).flatMap((r) => r.problems)).toEqual([]);
  });

  test('a family is shown where its target declares it, the variable lists those jobs', () => {
    const stack = stackWith((i) => {
      i.scrapeTargets![0].ruleSets = ['http'];
      i.scrapeTargets!.push({ job: 'worker', targets: ['worker:9100'], ruleSets: ['ai', 'system'] });
    });
    const d = byTitle(renderDashboards(stack));
    const job = (t: string) => d[t].templating.list.find((v: any) => v.name === 'job').query;
    expect(job('AI')).toBe('worker');
    expect(job('Performance')).toBe('backend,worker,redis,postgres');
    expect(allPanels(d.Performance).map((p) => p.title)).toEqual(expect.arrayContaining(['CPU usage', 'p95 latency by endpoint']));
    expect(allPanels(d.Performance).map((p) => p.title)).not.toContain('Cache hit rate');
  });

  test('no JSON log sources: no Chat interactions; Grafana disabled: no dashboards at all', () => {
    const plain = stackWith((i) => {
      i.logs!.sources = i.logs!.sources!.map((s) => ({ ...s, format: 'plain' as const }));
    });
    expect(Object.keys(renderDashboards(plain)).some((f) => f.includes('chat'))).toBe(false);
    const noGrafana = stackWith((i) => {
      i.components = { grafana: { enabled: false } };
    });
    expect(Object.keys(renderStack(noGrafana)).filter((f) => f.startsWith('grafana/'))).toEqual([]);
  });

  test('no scrape targets and no logs: only Stack health, without panels of disabled components', () => {
    const stack = stackWith((i) => {
      i.scrapeTargets = [];
      i.logs = { sources: [] };
      i.components = { loki: { enabled: false }, promtail: { enabled: false } };
    });
    const built = buildDashboards(stack);
    expect(built.map((d) => d.title)).toEqual(['Stack health']);
    const titles = allPanels(built[0].json).map((p) => p.title);
    expect(titles).not.toContain('Loki ingestion');
    expect(titles).toContain('Alertmanager notifications');
    expect(checkDashboards(dashboardFiles(renderDashboards(stack)), stack).flatMap((r) => r.problems)).toEqual([]);
  });
});

describe('a broken dashboard is reported with its dashboard and panel', () => {
  // Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
  let files: Record<string, string>;
  beforeEach(() => {
    files = renderDashboards(dev);
  });
  const OVERVIEW = 'grafana/dashboards/Application/stack-overview.json';
  const CHAT = 'grafana/dashboards/Logs/stack-chat-interactions.json';

  function tamper(file: string, change: (d: any) => void): DashboardFile[] {
    return dashboardFiles(files).map((f) => {
      if (f.file !== file) return f;
      const d = JSON.parse(f.text);
      change(d);
      return { file: f.file, text: JSON.stringify(d) };
    });
  }
  const problems = (list: DashboardFile[]) => checkDashboards(list, dev).flatMap((r) => r.problems);

  test.each([
    [
      'a PromQL query that does not parse',
      OVERVIEW,
      'Request rate by status',
      (p: any) => (p.targets[0].expr = 'sum(rate(http_requests_total{job=~"$job"}[5m])'),
      /dashboard "Overview": panel "Request rate by status", query A: PromQL does not parse/,
    ],
    [
      'an unknown datasource uid',
      OVERVIEW,
      'Error ratio',
      (p: any) => (p.datasource = { type: 'prometheus', uid: 'prometheus-old' }),
      /dashboard "Overview": panel "Error ratio": unknown datasource uid "prometheus-old"/,
    ],
    [
      'an undefined variable',
      OVERVIEW,
      'Active users',
      (p: any) => (p.targets[0].expr = 'sum by (job) (active_users{job=~"$job",instance=~"$node"})'),
      /dashboard "Overview": panel "Active users", query A: uses variable \$node, which the dashboard does not define/,
    ],
    [
      'a metric no target provides',
      OVERVIEW,
      'Active users',
      (p: any) => (p.targets[0].expr = 'sum by (job) (chat_messages_sent_total{job=~"$job"})'),
      /dashboard "Overview": panel "Active users", query A: queries chat_messages_sent_total, which no configured scrape target provides/,
    ],
    [
      'a metric the selected jobs do not provide (the job variable stands for its options)',
      OVERVIEW,
      'Active users',
      (p: any) => (p.targets[0].expr = 'sum by (job) (rate(loki_distributor_lines_received_total{job=~"$job"}[$__rate_interval]))'),
      /dashboard "Overview": panel "Active users", query A: queries loki_distributor_lines_received_total from job backend\|redis\|postgres, which does not provide it \(provided by: loki\)/,
    ],
    [
      'a metric from a job that does not provide it',
      'grafana/dashboards/Stack/stack-health.json',
      'Rule evaluation failures',
      (p: any) => (p.targets[0].expr = p.targets[0].expr.replace('job="prometheus"', 'job="loki"')),
      /dashboard "Stack health": panel "Rule evaluation failures", query A: queries prometheus_rule_evaluation_failures_total from job loki, which does not provide it/,
    ],
    [
      'a log job no log source ships',
      CHAT,
      'Recent logs',
      (p: any) => (p.targets[0].expr = '{job="nginx_logs"} | json'),
      /dashboard "Chat interactions": panel "Recent logs", query A: selects log job nginx_logs, which no configured log source ships/,
    ],
    [
      'a LogQL query that does not parse',
      CHAT,
      'Recent logs',
      (p: any) => (p.targets[0].expr = '{job=~"$job" | json'),
      /dashboard "Chat interactions": panel "Recent logs", query A: LogQL does not parse/,
    ],
    [
      'a datasource of the wrong type',
      CHAT,
      'Error lines',
      (p: any) => (p.targets[0].datasource = { type: 'prometheus', uid: 'loki' }),
      /dashboard "Chat interactions": panel "Error lines", query A: datasource "loki" is of type "loki", not "prometheus"/,
      /dashboard "Chat interactions": panel "Error lines", query A: runs on the fixed datasource uid "loki"; expected the dashboard's loki datasource variable/,
    ],
  ] as Array<[string, string, string, (p: any) => void, ...RegExp[]]>)('%s', (_what, file, title, change, ...messages) => {
    const found = problems(tamper(file, (d) => change(panel(d, title))));
    expect(found).toEqual(messages.map((m) => expect.stringMatching(m)));
  });

  test('a family metric on a stack whose targets lack the family names the family', () => {
    const stack = stackWith((i) => {
      i.scrapeTargets![0].ruleSets = ['http', 'database', 'cache', 'websocket', 'system'];
    });
    const found = checkDashboards(dashboardFiles(files), stack).flatMap((r) => r.problems);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^dashboard "AI": panel "AI requests", query A: queries ai_requests_total, .*add "ai" to a target's ruleSets/);
  });

  test('duplicate uids and titles', () => {
    const list = dashboardFiles(files);
    const copy = JSON.parse(list[0].text);
    const found = checkDashboards([...list, { file: 'grafana/dashboards/Other/stack-ai.json', text: JSON.stringify(copy) }], dev).flatMap((r) => r.problems);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/dashboard "AI": title also used by grafana\/dashboards\/Application\/stack-ai.json/),
        expect.stringMatching(/dashboard "AI": uid "stack-ai" also used by/),
      ]),
    );
  });

  test('npm run check fails, naming the dashboard and panel', async () => {
    const dir = tmpDir('ms-dash-');
    try {
      writeTree(path.join(dir, 'out'), synthesize(dev));
      const filesDir = path.join(dir, 'out', 'files');
      const ok = await runChecks(dev, filesDir);
      const dashResults = ok.filter((r) => r.name.startsWith('dashboards/'));
      expect(dashResults.map((r) => r.name.split(':')[0])).toEqual(dashboardChecks.map((c) => c.id));
      expect(dashResults.every((r) => r.ok)).toBe(true);

      const target = path.join(filesDir, OVERVIEW);
      const d = JSON.parse(fs.readFileSync(target, 'utf8'));
      panel(d, 'Error ratio').datasource.uid = 'nope';
      panel(d, 'Request rate by status').targets[0].expr = 'sum(rate(http_requests_total[5m]) by';
      fs.writeFileSync(target, stableJson(d));
      const results = await runChecks(dev, filesDir);
      expect(results.every((r) => r.ok)).toBe(false); // the CLI exits 1
      const report = formatReport(results);
      expect(report).toMatch(/FAIL {2}dashboards\/datasources-provisioned: .*\n {8}grafana\/dashboards\/Application\/stack-overview.json\n/);
      expect(report).toMatch(/FAIL {2}dashboards\/query-parses: /);
      expect(report).toContain('dashboard "Overview": panel "Error ratio": unknown datasource uid "nope"');
      expect(report).toMatch(/dashboard "Overview": panel "Request rate by status", query A: PromQL does not parse/);
      expect(readDashboardFiles(filesDir).map((f) => f.file)).toEqual(EXPECTED);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('random valid configs (fast-check)', () => {
  test('every dashboard passes the checks, and rendering twice gives the same bytes', () => {
    const withLogsAndComponents = fc.tuple(
      validStack,
      fc.uniqueArray(fc.constantFrom('app_logs', 'web_logs', 'db_logs'), { maxLength: 3 }),
      fc.boolean(),
      fc.record({ loki: fc.boolean(), jaeger: fc.boolean(), promtail: fc.boolean() }),
    );
    fc.assert(
      fc.property(withLogsAndComponents, ([input, logJobs, plain, on]) => {
        const stack = validate({
          ...input,
          logs: { sources: logJobs.map((job) => ({ job, hostPath: `/var/log/${job}`, format: plain ? 'plain' : 'json' })) },
          components: {
            loki: { enabled: on.loki },
            promtail: { enabled: on.loki && on.promtail },
            jaeger: { enabled: on.jaeger },
          },
        });
        const files = renderDashboards(stack);
        expect(renderDashboards(validate(JSON.parse(JSON.stringify(stack))))).toEqual(files);
        expect(checkDashboards(dashboardFiles(files), stack).flatMap((r) => r.problems)).toEqual([]);
        expect(Object.keys(files)).toContain('grafana/dashboards/Stack/stack-health.json');
      }),
      { numRuns: 150, seed: 4 },
    );
  });
});
