/**
 * Dashboards per stack: `dashboards.include` selects dashboards of dashboards/ (absent: DEFAULT_DASHBOARDS), and
 * `dashboards.custom` writes dashboards in config, rendered with the helpers of dashboards/lib.ts and checked like
 * every other panel. Fixtures: test/fixtures/dashboards/stack.yaml (passes) and bad/*.yaml (a `dashboards` section
 * each, put over the passing stack).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError } from '../src/errors';
import { buildDashboards, DASHBOARDS_DIR, renderDashboards } from '../src/render/dashboards';
import { checkDashboards, DashboardFile } from '../src/check-dashboards';
import { runChecks, formatReport } from '../src/check';
import { synthesize } from '../src/synth';
import { writeTree } from '../src/output';
import { DASHBOARDS, DEFAULT_DASHBOARDS } from '../dashboards';
import { defineStack } from '../src/schema';
import { REPO_ROOT, runCli, tmpDir, validate } from './helpers';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'dashboards');
const readYaml = (file: string) => yaml.load(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as any;
const INPUT = readYaml('stack.yaml');
const stack = validate(INPUT);

const dashboardFiles = (files: Record<string, string>): DashboardFile[] =>
  Object.keys(files)
    .filter((f) => f.startsWith(`${DASHBOARDS_DIR}/`))
    .sort()
    .map((file) => ({ file, text: files[file] }));
const problemsOf = (s: typeof stack) => checkDashboards(dashboardFiles(renderDashboards(s)), s).flatMap((r) => r.problems);
const builtIn = (name: string) => DASHBOARDS.find((d) => d.uid === name || d.title === name)!;

describe('a stack selecting a subset and writing its own dashboard (YAML fixture)', () => {
  const files = renderDashboards(stack);
  const custom = INPUT.dashboards.custom[0];
  const json = JSON.parse(files[`${DASHBOARDS_DIR}/${custom.folder}/${custom.uid}.json`]);

  test('gets exactly the included dashboards and its own, nothing else', () => {
    const expected = [
      ...INPUT.dashboards.include.map((n: string) => `${DASHBOARDS_DIR}/${builtIn(n).folder}/${builtIn(n).uid}.json`),
      `${DASHBOARDS_DIR}/${custom.folder}/${custom.uid}.json`,
    ];
    expect(dashboardFiles(files).map((f) => f.file).sort()).toEqual(expected.sort());
  });

  test('the config panels are rendered as written: type, query, datasource, legend, unit', () => {
    expect(json).toMatchObject({ uid: custom.uid, title: custom.title, description: custom.description });
    expect(json.tags).toEqual(expect.arrayContaining(custom.tags));
    const panels = json.panels.filter((p: any) => p.type !== 'row');
    expect(panels.map((p: any) => p.title)).toEqual(custom.panels.map((p: any) => p.title));
    custom.panels.forEach((want: any, i: number) => {
      const got = panels[i];
      expect(got.type).toBe(want.type === 'bars' ? 'timeseries' : (want.type ?? 'timeseries'));
      expect(got.targets).toHaveLength(1);
      expect(got.targets[0].expr).toBe(want.promql ?? want.logql);
      expect(got.datasource.type).toBe(want.promql ? 'prometheus' : 'loki');
      expect(got.targets[0].legendFormat).toBe(want.legend);
      expect(got.fieldConfig?.defaults?.unit).toBe(want.unit);
    });
    expect(panels[2].fieldConfig.defaults.custom.drawStyle).toBe('bars');
  });

  test('panels stay on the 24-column grid', () => {
    for (const p of json.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });

  test('the dashboard checks pass', () => {
    expect(problemsOf(stack)).toEqual([]);
  });

  test('npm run check runs the dashboard checks on the config dashboard too', async () => {
    const dir = tmpDir('ms-dashcfg-');
    try {
      writeTree(path.join(dir, 'out'), synthesize(stack));
      const results = (await runChecks(stack, path.join(dir, 'out', 'files'))).filter((r) => r.name.startsWith('dashboards/'));
      expect(results.length).toBeGreaterThan(10);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      // The rendered file is checked like any other: a broken query fails check.
      const file = path.join(dir, 'out', 'files', DASHBOARDS_DIR, custom.folder, `${custom.uid}.json`);
      const d = JSON.parse(fs.readFileSync(file, 'utf8'));
      d.panels[0].targets[0].expr = 'sum(rate(chat_messages_sent_total[5m]))';
      fs.writeFileSync(file, JSON.stringify(d));
      const report = formatReport(await runChecks(stack, path.join(dir, 'out', 'files')));
      expect(report).toContain(`dashboard "${custom.title}": panel "${custom.panels[0].title}", query A: queries chat_messages_sent_total`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('which dashboards of dashboards/ a stack gets', () => {
  const base = { ...INPUT, dashboards: undefined };
  const withDashboards = (dashboards: unknown) => validate({ ...base, dashboards });
  const uids = (s: typeof stack) => buildDashboards(s).map((d) => d.uid);

  test('without `include`: the default set (those with something to show)', () => {
    const got = uids(withDashboards(undefined));
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((u) => DEFAULT_DASHBOARDS.includes(u))).toBe(true);
    expect(got).toEqual(uids(validate({ ...base, dashboards: { include: [...DEFAULT_DASHBOARDS] } })));
  });

  test('`include: []` gets none of them, only its own', () => {
    expect(uids(withDashboards({ include: [] }))).toEqual([]);
    expect(uids(withDashboards({ include: [], custom: INPUT.dashboards.custom }))).toEqual([INPUT.dashboards.custom[0].uid]);
  });

  test('by title or by uid, in menu order', () => {
    expect(uids(withDashboards({ include: ['Stack health', 'stack-overview'] }))).toEqual(['stack-overview', 'stack-health']);
  });

  test('a dashboard added to dashboards/ but not to the default set reaches only stacks that include it', () => {
    jest.isolateModules(() => {
      jest.doMock('../dashboards', () => {
        const actual = jest.requireActual('../dashboards');
        const extra = { ...actual.DASHBOARDS[0], uid: 'team-extra', title: 'Team extra', build: (s: unknown) => ({ ...actual.DASHBOARDS[0].build(s), uid: 'team-extra', title: 'Team extra' }) };
        return { ...actual, DASHBOARDS: [...actual.DASHBOARDS, extra] };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const render = require('../src/render/dashboards') as typeof import('../src/render/dashboards');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const load = require('../src/load') as typeof import('../src/load');
      const names = (dashboards: unknown) => render.buildDashboards(load.validateStack({ ...base, dashboards }, 'test.yaml')).map((d) => d.uid);
      expect(names(undefined)).not.toContain('team-extra');
      expect(names({ include: ['stack-overview', 'Team extra'] })).toEqual(['stack-overview', 'team-extra']);
    });
  });

  test('the same config in TypeScript', () => {
    const ts = defineStack({
      ...INPUT,
      dashboards: {
        include: ['stack-health'],
        custom: [{ uid: 'api-up', title: 'API up', panels: [{ title: 'Up', type: 'stat', promql: 'up{job="api"}', unit: 'short', description: 'Whether the API answers scrapes.' }] }],
      },
    });
    const s = validate(ts);
    expect(buildDashboards(s).map((d) => d.file)).toEqual([`${DASHBOARDS_DIR}/Stack/stack-health.json`, `${DASHBOARDS_DIR}/Application/api-up.json`]);
    expect(problemsOf(s)).toEqual([]);
  });
});

describe('config dashboards get the job and instance variables', () => {
  test('a config panel may select with $job and $instance; the dashboard offers every scrape job', () => {
    const panel = { title: 'Up by job', type: 'stat', unit: 'none', description: 'Targets up.', promql: 'sum by (job) (up{job=~"$job",instance=~"$instance"})', legend: '{{job}}' };
    const s = validate({ ...INPUT, dashboards: { include: [], custom: [{ uid: 'by-job', title: 'By job', panels: [panel] }] } });
    const json = buildDashboards(s)[0].json as any;
    const vars = Object.fromEntries(json.templating.list.map((v: any) => [v.name, v]));
    expect(Object.keys(vars)).toEqual(['prometheus_datasource', 'job', 'instance']);
    expect(vars.job.query).toBe(s.components.prometheus.enabled ? [...['prometheus', 'alertmanager', 'grafana', 'loki', 'promtail', 'jaeger'].filter((c) => s.components[c as 'loki'].enabled), ...INPUT.scrapeTargets.map((t: any) => t.job)].join(',') : '');
    expect(problemsOf(s)).toEqual([]);
  });
});

describe('a bad dashboards section is rejected with its JSON path and the panel', () => {
  const F = (file: string) => `test/fixtures/dashboards/bad/${file}`;
  const problems = (file: string): string[] => {
    try {
      validate({ ...INPUT, dashboards: readYaml(`bad/${file}`) });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  };

  test.each([
    [
      'bad-promql.yaml',
      [expect.stringMatching(/^\$\.dashboards\.custom\[0\]\.panels\[0\]\.promql: dashboard "Broken": panel "Requests": PromQL does not parse \(/)],
    ],
    [
      'unknown-metric.yaml',
      [
        expect.stringMatching(
          /^\$\.dashboards\.custom\[0\]\.panels\[1\]\.promql: dashboard "Broken": panel "Messages sent": queries chat_messages_sent_total, which no configured scrape target provides/,
        ),
      ],
    ],
    [
      'duplicate-uid.yaml',
      [
        '$.dashboards.custom[1].uid: duplicate dashboard uid "api-login" (already dashboards.custom[0]); expected a unique uid',
        '$.dashboards.custom[2].uid: duplicate dashboard uid "stack-overview" (already dashboard "Overview" of dashboards/); expected a unique uid',
      ],
    ],
    [
      'unknown-include.yaml',
      [
        expect.stringMatching(/^\$\.dashboards\.include\[0\]: unknown dashboard "Overveiw"; expected the uid or title of a dashboard of dashboards\/: stack-overview \("Overview"\), /),
        '$.dashboards.include[2]: dashboard "Stack health" is already listed at include[1]',
      ],
    ],
    [
      'wrong-query.yaml',
      [
        '$.dashboards.custom[0].panels[0].promql: dashboard "Broken": panel "Lines": a logs panel shows log lines; expected a "logql" query',
        '$.dashboards.custom[0].panels[1]: dashboard "Broken": panel "Both": expected exactly one query: "promql" (Prometheus) or "logql" (Loki)',
        '$.dashboards.custom[0].panels[2]: dashboard "Broken": panel "None": expected exactly one query: "promql" (Prometheus) or "logql" (Loki)',
        expect.stringMatching(/^\$\.dashboards\.custom\[0\]\.panels\[3\]\.logql: dashboard "Broken": panel "Raw lines": a timeseries panel draws numbers, but this LogQL returns log lines/),
        expect.stringMatching(/^\$\.dashboards\.custom\[0\]\.panels\[4\]\.promql: dashboard "Broken": panel "By region": uses variable \$region, which config dashboards do not define; expected \$job, \$instance or/),
        expect.stringMatching(/^\$\.dashboards\.custom\[0\]\.panels\[5\]\.logql: dashboard "Broken": panel "Nginx": selects log job nginx_logs, which no configured log source ships/),
      ],
    ],
  ])('%s', (file, expected) => {
    expect(fs.existsSync(path.join(REPO_ROOT, F(file)))).toBe(true);
    expect(problems(file)).toEqual(expected);
  });

  test('a schema problem (unknown panel type) names the field and the allowed values', () => {
    const input = { ...INPUT, dashboards: { custom: [{ uid: 'x', title: 'X', panels: [{ title: 'P', type: 'gauge', promql: 'up' }] }] } };
    expect(() => validate(input)).toThrow(/\$\.dashboards\.custom\[0\]\.panels\[0\]\.type: .*timeseries/);
  });

  test('synth exits 2, names the file and writes nothing', () => {
    const dir = tmpDir('ms-dashbad-');
    try {
      const config = path.join(dir, 'bad.yaml');
      fs.writeFileSync(config, yaml.dump({ ...INPUT, dashboards: readYaml('bad/unknown-metric.yaml') }));
      const res = runCli('synth', ['--config', config, '--out', path.join(dir, 'out')]);
      expect(res.status).toBe(2);
      expect(res.stderr).toContain(`${config}: $.dashboards.custom[0].panels[1].promql: dashboard "Broken": panel "Messages sent"`);
      expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
