/**
 * Probes (issue 18 item 2): each probe of the seed fixture becomes a blackbox module, a Prometheus job with the
 * exporter's standard relabeling and the ProbeFailed rule with generated promtool tests; bad probes are refused
 * with their JSON path. Expectations come from the fixture's `probes` and the image facts, not from the renderer.
 * The real tools judge the output: Debian's blackbox exporter (`--config.check`) and promtool.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../src/errors';
import { renderStack } from '../src/render';
import { requireBinary } from '../src/local/processes';
import { loopbackStackInput, notStarted } from '../src/local/loopback';
import { IMAGE_FACTS } from './fixtures/image-facts';
import { loadFixture, parseYaml, seedInput, tmpDir, validate } from './helpers';

const dev = loadFixture('dev');
// Rendered per test, not at collection: Stryker attributes coverage per test (npm run test:mutation).
let files: Record<string, string>;
let prom: any;
beforeEach(() => {
  files = renderStack(dev);
  prom = parseYaml(files['prometheus/prometheus.yml']);
});
const jobOf = (name: string) => prom.scrape_configs.find((s: any) => s.job_name === name);
/** The fixture's probes leave `timeout` out: the global scrape timeout applies (the fixture's is within 15 s). */
const timeoutOf = (p: (typeof dev.probes)[number]) => p.timeout ?? dev.prometheus.scrapeTimeout;

describe('the seed fixture probes the backend health endpoint', () => {
  test('the fixture has the probe the dev stack needs (the backend scrape address, path /health)', () => {
    const backend = dev.scrapeTargets.find((t) => t.job === 'backend')!;
    expect(dev.probes.map((p) => p.url)).toContain(`http://${backend.targets[0]}/health`);
  });

  test.each(dev.probes.map((p) => [p.name, p] as const))('probe %s: a job asking the blackbox exporter with its module', (_name, p) => {
    const job = jobOf(p.name);
    const exporter = `blackbox:${IMAGE_FACTS.blackbox.health.port}`;
    expect(job.metrics_path).toBe('/probe');
    expect(job.params).toEqual({ module: [p.name] });
    expect(job.static_configs).toEqual([{ targets: [p.url], labels: { service: p.labels.service ?? p.name, ...p.labels } }]);
    expect(job.relabel_configs).toEqual([
      { source_labels: ['__address__'], target_label: '__param_target' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: exporter },
    ]);
    expect(job.scrape_timeout).toBe(timeoutOf(p));
    expect(jobOf('blackbox').static_configs[0].targets).toEqual([exporter]);
  });

  test.each(dev.probes.map((p) => [p.name, p] as const))('probe %s: an http module with its timeout and method', (_name, p) => {
    const module = parseYaml(files['blackbox/blackbox.yml']).modules[p.name];
    expect(module).toMatchObject({ prober: 'http', timeout: timeoutOf(p), http: { method: p.method } });
    expect(module.http.valid_status_codes).toEqual(p.expectStatus.length ? p.expectStatus : undefined);
  });

  test('ProbeFailed: critical after 1m on probe_success == 0 of the probe jobs, with a firing and a silent test', () => {
    const rules = parseYaml(files['prometheus/rules/probes.yml']).groups[0].rules;
    expect(rules).toEqual([expect.objectContaining({ alert: 'ProbeFailed', for: '1m', labels: { severity: 'critical' } })]);
    expect(rules[0].expr).toBe(`probe_success{job="${dev.probes[0].name}"} == 0`);
    const tests = parseYaml(files['prometheus/tests/probes.test.yml']).tests;
    const outcomes = tests.map((t: any) => t.alert_rule_test.at(-1).exp_alerts.map((a: any) => `${a.exp_labels.service} ${a.exp_labels.severity}`));
    expect(outcomes).toEqual([[`${dev.probes[0].labels.service} critical`], []]);
  });

  test('no probes: no blackbox exporter, no probe jobs, no ProbeFailed, no probe panels', () => {
    const input = seedInput() as any;
    delete input.probes;
    const plain = renderStack(validate(input));
    expect(Object.keys(plain).filter((f) => /blackbox|probes/.test(f))).toEqual([]);
    expect(parseYaml(plain['prometheus/prometheus.yml']).scrape_configs.filter((s: any) => s.metrics_path === '/probe' || s.job_name === 'blackbox')).toEqual([]);
    const overview = Object.keys(plain).find((f) => f.endsWith('stack-overview.json'))!;
    expect(plain[overview]).not.toContain('probe_');
    expect(files[Object.keys(files).find((f) => f.endsWith('stack-overview.json'))!]).toContain(`probe_duration_seconds{job=\\"${dev.probes[0].name}\\"}`);
  });
});

test('`npm run try` leaves the probes out (their URLs are Docker addresses) and says so', () => {
  const local = validate(loopbackStackInput(dev, { prometheus: 9, alertmanager: 10, demo: 11, inbox: 12 }));
  expect(local.probes).toEqual([]);
  expect(Object.keys(renderStack(local)).filter((f) => /blackbox|probes/.test(f))).toEqual([]);
  expect(notStarted(dev).find((n) => n.component === 'blackbox')?.reason).toMatch(/probes out/);
  expect(notStarted(local).map((n) => n.component)).not.toContain('blackbox');
});

describe("the real tools accept the output (and reject what is broken)", () => {
  const dir = tmpDir('ms-probes-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const configCheck = (text: string) => {
    const file = path.join(dir, `blackbox-${Math.random().toString(36).slice(2)}.yml`);
    fs.writeFileSync(file, text);
    const exe = requireBinary('BLACKBOX_EXPORTER', ['prometheus-blackbox-exporter', 'blackbox_exporter']);
    return spawnSync(exe, [`--config.file=${file}`, '--config.check'], { encoding: 'utf8', timeout: 30_000 });
  };

  test('Debian blackbox_exporter --config.check accepts the rendered blackbox.yml', () => {
    const res = configCheck(files['blackbox/blackbox.yml']);
    expect(`${res.status} ${res.stderr}`).toMatch(/^0 /);
  });

  test('failing fixture: a key the exporter does not know is refused', () => {
    const res = configCheck(files['blackbox/blackbox.yml'].replace('method:', 'verb:'));
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/verb/);
  });

  const promtool = (rules: string) => {
    fs.mkdirSync(path.join(dir, 'rules'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rules', 'probes.yml'), rules);
    fs.writeFileSync(path.join(dir, 'tests', 'probes.test.yml'), files['prometheus/tests/probes.test.yml']);
    return spawnSync(process.env.PROMTOOL ?? 'promtool', ['test', 'rules', 'probes.test.yml'], { cwd: path.join(dir, 'tests'), encoding: 'utf8', timeout: 60_000 });
  };

  test('promtool passes the generated ProbeFailed tests', () => {
    const res = promtool(files['prometheus/rules/probes.yml']);
    expect(`${res.status} ${res.stdout}${res.stderr}`).toMatch(/^0 /);
  });

  test.each([
    ['a longer `for`', (r: string) => r.replace('for: 1m', 'for: 5m')],
    ['an inverted condition', (r: string) => r.replace('== 0', '== 1')],
  ])('failing fixture: the generated tests catch %s', (_what, tamper) => {
    expect(promtool(tamper(files['prometheus/rules/probes.yml'])).status).not.toBe(0);
  });
});

describe('bad probes are refused with their JSON path', () => {
  const problems = (change: (c: any) => void): string[] => {
    const c = seedInput() as any;
    change(c);
    try {
      validate(c);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  };
  const probe = (extra: object) => (c: any) => (c.probes = [{ name: 'api-health', url: 'http://api:8080/health', ...extra }]);

  test('a valid probe passes', () => {
    expect(problems(probe({ expectStatus: [200, 204], interval: '30s', timeout: '10s', labels: { service: 'api' } }))).toEqual([]);
  });

  test.each([
    ['user:pass@', 'http://admin:hunter2@api:8080/health', 'user name or password'],
    ['a query string', 'http://api:8080/health?token=s3cr3t', 'query string'],
    ['a token-bearing service', 'https://hooks.slack.com/services/T0/B0/s3cr3t', 'itself the credential'],
  ])('a URL with %s is refused without repeating it', (_what, url, reason) => {
    const out = problems(probe({ url }));
    expect(out).toEqual([expect.stringMatching(new RegExp(`^\\$\\.probes\\[0\\]\\.url: .*${reason}.*cannot hold a credential`))]);
    expect(out.join('\n')).not.toMatch(/hunter2|s3cr3t/);
  });

  test('not a URL', () => {
    expect(problems(probe({ url: 'api:8080/health' }))).toEqual([expect.stringMatching(/^\$\.probes\[0\]\.url: .*expected a plain http\(s\) URL/)]);
  });

  test('without a timeout, a probe takes the scrape timeout, cut to a shorter interval (as Prometheus does)', () => {
    const input = seedInput() as any;
    input.prometheus = { ...input.prometheus, scrapeInterval: '1s', scrapeTimeout: '1s' };
    input.probes = [{ name: 'fast', url: 'http://api:8080/health' }, { name: 'slow', url: 'http://api:8080/health', interval: '30s' }];
    const out = renderStack(validate(input));
    const modules = parseYaml(out['blackbox/blackbox.yml']).modules;
    expect([modules.fast.timeout, modules.slow.timeout]).toEqual(['1s', '1s']);
    input.prometheus = { ...input.prometheus, scrapeInterval: '20s', scrapeTimeout: '10s' };
    input.probes[0].interval = '5s';
    const cut = parseYaml(renderStack(validate(input))['blackbox/blackbox.yml']).modules;
    expect([cut.fast.timeout, cut.slow.timeout]).toEqual(['5s', '10s']);
  });

  test('a job name already taken, a timeout beyond the interval, a reserved label', () => {
    expect(problems(probe({ name: 'backend', interval: '5s', timeout: '10s', labels: { __x: 'y' } }))).toEqual([
      '$.probes[0].name: duplicate job name "backend" (already a scrape target); expected a unique job name',
      '$.probes[0].timeout: probe timeout 10s is longer than its interval 5s; expected a timeout no longer than the interval',
      '$.probes[0].labels.__x: label names starting with "__" are reserved for Prometheus',
    ]);
  });

  test('probes with the blackbox exporter disabled, and a scrape target named blackbox', () => {
    expect(
      problems((c) => {
        probe({})(c);
        c.components = { ...c.components, blackbox: { enabled: false } };
      }),
    ).toEqual([expect.stringMatching(/^\$\.components\.blackbox\.enabled: the stack has probes/)]);
    expect(
      problems((c) => {
        probe({})(c);
        c.scrapeTargets.push({ job: 'blackbox', targets: ['bb:9115'] });
      }),
    ).toEqual([expect.stringMatching(/^\$\.scrapeTargets\[3\]\.job: duplicate job name "blackbox"/)]);
  });

  test('a published blackbox exporter on a host port another component publishes', () => {
    expect(problems((c) => {
      probe({})(c);
      c.components = { ...c.components, blackbox: { publish: true, port: 9090 } };
    })).toEqual(['$.components.blackbox.port: host port 9090 is already used by components.prometheus.port; expected a free port']);
    expect(problems((c) => {
      probe({})(c);
      c.components = { ...c.components, blackbox: { publish: true, port: 9115 } };
    })).toEqual([]);
  });

  test('schema: an unknown field and a status code out of range', () => {
    expect(problems(probe({ module: 'http_2xx' }))).toEqual([expect.stringMatching(/^\$\.probes\[0\]\.module: unknown field "module"/)]);
    expect(problems(probe({ expectStatus: [99] }))).toEqual([expect.stringMatching(/^\$\.probes\[0\]\.expectStatus\[0\]: /)]);
  });
});
