/** Unit tests of the Prometheus and Alertmanager renderers, the alert catalog and the rule-test generator. */
import { resolveAlerts } from '../src/alerts';
import { alertExpr } from '../src/render/rules';
import { formatG, renderTemplate, checkTemplate } from '../src/render/annotations';
import { renderStack } from '../src/render';
import { seedInput, loadFixture, parseYaml, validate } from './helpers';

const dev = loadFixture('dev');
const staging = loadFixture('staging');
/** Rendered inside each test (not at collection), so mutation testing can tell which tests cover which code. */
const devFiles = () => renderStack(dev);

describe('prometheus.yml', () => {
  const prom = () => parseYaml(devFiles()['prometheus/prometheus.yml']);

  test('global settings and environment labels', () => {
    expect(prom().global).toEqual({
      scrape_interval: '15s',
      scrape_timeout: '10s',
      evaluation_interval: '15s',
      external_labels: { stack: 'dev', environment: 'dev' },
    });
  });

  test('self-scrape of every component, then the user targets', () => {
    expect(prom().scrape_configs.map((s: any) => s.job_name)).toEqual([
      'prometheus', 'alertmanager', 'grafana', 'loki', 'promtail', 'jaeger', 'backend', 'redis', 'postgres',
      // The fixture's probe brings the blackbox exporter's own job and the probe's job.
      'blackbox', 'backend-health',
    ]);
    const backend = prom().scrape_configs.find((s: any) => s.job_name === 'backend');
    expect(backend).toEqual({
      job_name: 'backend',
      scrape_interval: '15s',
      static_configs: [{ targets: ['host.docker.internal:8000'], labels: { service: 'backend', team: 'chat' } }],
    });
  });

  test('a disabled component is not scraped', () => {
    const input = seedInput() as any;
    input.components = { jaeger: { enabled: false } };
    const jobs = parseYaml(renderStack(validate(input))['prometheus/prometheus.yml']).scrape_configs.map((s: any) => s.job_name);
    expect(jobs).not.toContain('jaeger');
  });

  test('path, scheme, timeout and dropped metrics', () => {
    const worker = parseYaml(renderStack(staging)['prometheus/prometheus.yml']).scrape_configs.find((s: any) => s.job_name === 'worker');
    expect(worker).toMatchObject({
      scrape_interval: '1m',
      scrape_timeout: '20s',
      metrics_path: '/internal/metrics',
      scheme: 'https',
      metric_relabel_configs: [{ source_labels: ['__name__'], regex: 'python_gc_.*|process_virtual_memory_bytes', action: 'drop' }],
    });
  });

  test('rule files and the Alertmanager target', () => {
    expect(prom().rule_files).toEqual(resolveAlerts(dev).map((g) => `rules/${g.name}.yml`));
    expect(prom().alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] });
  });

  test('no field newer than Prometheus 2.42', () => {
    const text = Object.entries(devFiles()).filter(([f]) => f.startsWith('prometheus/')).map(([, t]) => t).join('\n');
    for (const field of ['scrape_config_files', 'keep_dropped_targets', 'scrape_protocols', 'enable_compression', 'query_offset', 'fallback_scrape_protocol', 'scrape_native_histograms', 'api_version']) {
      expect(text).not.toContain(`${field}:`);
    }
  });
});

describe('alert rules', () => {
  const rule = (name: string, severity?: string) =>
    resolveAlerts(dev).flatMap((g) => g.rules).find((r) => r.name === name && (!severity || r.severity === severity))!;

  test('rule sets apply to the jobs that declare them', () => {
    expect(resolveAlerts(dev).map((g) => g.name)).toEqual(['http', 'ai', 'database', 'cache', 'websocket', 'system', 'users', 'redis', 'postgres', 'stack', 'probes', 'nodata']);
    expect(rule('HttpServerErrorRatioHigh').jobs).toEqual(['backend']);
    expect(rule('RedisDown').jobs).toEqual(['redis']);
    expect(rule('TargetDown').jobs).toEqual(['prometheus', 'alertmanager', 'grafana', 'loki', 'promtail', 'jaeger', 'backend', 'redis', 'postgres', 'blackbox', 'backend-health']);
    // staging declares no cache, redis or postgres target: no alert watches those metrics.
    expect(resolveAlerts(staging).map((g) => g.name)).toEqual(['http', 'ai', 'database', 'websocket', 'system', 'stack', 'nodata', 'custom']);
  });

  test('seed thresholds', () => {
    expect(alertExpr(rule('HttpServerErrorRatioHigh'))).toBe(
      'sum by (job, service) (rate(http_requests_total{job="backend",status=~"5.."}[5m]))\n/\nsum by (job, service) (rate(http_requests_total{job="backend"}[5m]))\n> 0.01',
    );
    expect(rule('HttpServerErrorRatioHigh').severity).toBe('critical');
    expect(alertExpr(rule('HttpClientErrorRatioHigh'))).toMatch(/status=~"4.."[\s\S]*> 0.05$/);
    expect(alertExpr(rule('HttpLatencyP95High', 'warning'))).toBe(
      'histogram_quantile(0.95, sum by (job, service, le) (rate(http_request_duration_seconds_bucket{job="backend"}[5m])))\n> 2',
    );
    expect(alertExpr(rule('HttpLatencyP95High', 'critical'))).toMatch(/> 5$/);
    expect(alertExpr(rule('CpuUsageHigh', 'warning'))).toBe('system_cpu_usage{job="backend"} > 60');
    expect(alertExpr(rule('MemoryUsageHigh', 'critical'))).toBe('system_memory_usage{job="backend"} > 80');
    expect(alertExpr(rule('DiskUsageHigh', 'warning'))).toBe('system_disk_usage{job="backend"} > 85');
    expect(alertExpr(rule('RedisDown'))).toBe('redis_up{job="redis"} == 0');
    expect(alertExpr(rule('PostgresDown'))).toBe('pg_up{job="postgres"} == 0');
    expect(alertExpr(rule('CacheMissRatioHigh'))).toMatch(/> 0.5$/);
    expect(alertExpr(rule('WebsocketConnectionFailureRatioHigh'))).toMatch(/> 0.1$/);
    expect(rule('AiServiceDown')).toMatchObject({ for: '2m', severity: 'critical' });
    expect(alertExpr(rule('AiServiceDown'))).toBe('ai_up{job="backend"} == 0');
    expect(alertExpr(rule('Watchdog'))).toBe('vector(1)');
  });

  test('overrides change a catalog rule without copying it', () => {
    const groups = resolveAlerts(staging);
    const find = (name: string, sev?: string) => groups.flatMap((g) => g.rules).filter((r) => r.name === name && (!sev || r.severity === sev));
    expect(find('HttpServerErrorRatioHigh')[0]).toMatchObject({ threshold: 0.02, for: '10m', jobs: ['api'] });
    expect(find('HttpLatencyP95High').map((r) => [r.severity, (r as any).threshold])).toEqual([['warning', 1.5], ['critical', 5]]);
    expect(find('DiskUsageHigh')).toEqual([]);
    expect(find('TargetDown')[0]).toMatchObject({ for: '3m', labels: { team: 'platform' } });
  });

  test('the catalog can be switched off', () => {
    const input = seedInput() as any;
    input.alerts = { catalog: false };
    expect(resolveAlerts(validate(input))).toEqual([]);
  });

  test('a cache miss ratio counts a missing counter as zero', () => {
    expect(alertExpr(rule('CacheMissRatioHigh'))).toContain('(sum by (job, service) (rate(cache_hits_total{job="backend"}[5m])) or sum by (job, service) (rate(cache_misses_total{job="backend"}[5m])) * 0)');
  });
});

describe('generated rule tests', () => {
  test('every alert of every rule file has a firing and a silent case', () => {
    for (const [file, text] of Object.entries(devFiles())) {
      if (!file.startsWith('prometheus/rules/')) continue;
      // Alerting rules only: recording rules (src/render/recording.ts) have no test cases of their own.
      const names = new Set<string>(parseYaml(text).groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert).map((r: any) => r.alert)));
      const tests = parseYaml(devFiles()[file.replace('rules/', 'tests/').replace('.yml', '.test.yml')]);
      expect(tests.rule_files).toEqual([`../${file.slice('prometheus/'.length)}`]);
      for (const name of names) {
        const cases = tests.tests.flatMap((t: any) => t.alert_rule_test).filter((c: any) => c.alertname === name);
        expect(cases.some((c: any) => c.exp_alerts.length > 0)).toBe(true);
        if (name !== 'Watchdog') expect(cases.some((c: any) => c.exp_alerts.length === 0)).toBe(true);
      }
      for (const t of tests.tests) expect(t.interval).toBe('1m'); // promtool 2.42 needs it
    }
  });

  test('an overridden threshold is tested at the overridden value', () => {
    const tests = parseYaml(renderStack(staging)['prometheus/tests/http.test.yml']).tests;
    const firing = tests.find((t: any) => t.alert_rule_test.some((c: any) => c.alertname === 'HttpServerErrorRatioHigh' && c.exp_alerts.length));
    // 2 × the 2 % threshold: 40 errors in 1000 requests per minute (480 200s, 480 4xx the numerator must not
    // count), and another job's 1000 errors that neither selector may count.
    expect(firing.input_series.map((s: any) => s.values)).toEqual(['0+40x19', '0+480x19', '0+480x19', '0+1000x19']);
    const check = firing.alert_rule_test.at(-1);
    expect(check.eval_time).toBe('17m'); // for 10m + window 5m + 1m warm-up + 1m
    expect(check.exp_alerts[0].exp_annotations).toEqual({
      summary: 'chat-api: more than 2% of HTTP requests fail with 5xx',
      description: '4% of requests to chat-api returned 5xx over the last 5 minutes; above 2% for 10 minutes.',
      // The panel of its metric on the stack's published Grafana (src/render/dashboard-links.ts).
      dashboard_url: expect.stringContaining(`:${staging.components.grafana.port}/d/`),
    });
  });

  test('tiers fire together: a value above critical also fires warning', () => {
    const tests = parseYaml(devFiles()['prometheus/tests/system.test.yml']).tests;
    const atCritical = tests.find((t: any) => t.input_series[0].series.startsWith('system_cpu_usage') && t.input_series[0].values.startsWith('88x'));
    const severities = atCritical.alert_rule_test.at(-1).exp_alerts.map((a: any) => a.exp_labels.severity);
    expect(severities).toEqual(['warning', 'critical']);
  });
});

describe('alertmanager.yml', () => {
  const am = () => parseYaml(devFiles()['alertmanager/alertmanager.yml']);

  test('route tree, receivers and inhibition', () => {
    expect(am().route).toMatchObject({ receiver: 'team-slack', group_by: ['alertname', 'service', 'severity'], group_wait: '30s', repeat_interval: '4h' });
    expect(am().route.routes[1]).toEqual({ receiver: 'oncall', matchers: ['severity="critical"'], repeat_interval: '1h' });
    expect(am().inhibit_rules).toEqual([{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service'] }]);
    expect(am().receivers.map((r: any) => r.name)).toEqual(['oncall', 'team-slack', 'team-digest', 'deadman']);
    // Informational alerts: their own receiver, at most daily (seed 000 "Informacyjne").
    expect(am().route.routes[3]).toEqual({ receiver: 'team-digest', matchers: ['severity="info"'], group_interval: '1h', repeat_interval: '24h' });
  });

  test('secrets are read from files, never written', () => {
    const oncall = am().receivers[0];
    expect(oncall.email_configs[0]).toMatchObject({ auth_password_file: '/etc/alertmanager/secrets/smtpPassword', require_tls: true });
    expect(oncall.email_configs[0]).not.toHaveProperty('auth_password');
    expect(oncall.slack_configs[0]).toMatchObject({ api_url_file: '/etc/alertmanager/secrets/slackWebhookUrl', channel: '#alerts-critical' });
    expect(oncall.slack_configs[0]).not.toHaveProperty('api_url');
    const pager = parseYaml(renderStack(staging)['alertmanager/alertmanager.yml']).receivers.find((r: any) => r.name === 'pager');
    expect(pager.webhook_configs).toEqual([{ url_file: '/etc/alertmanager/secrets/pagerWebhookUrl', send_resolved: true, max_alerts: 20 }]);
  });
});

describe('determinism', () => {
  test('same input, same bytes', () => {
    expect(renderStack(loadFixture('dev'))).toEqual(devFiles());
    expect(JSON.stringify(renderStack(staging))).toBe(JSON.stringify(renderStack(loadFixture('staging'))));
  });

  test('changing one alert threshold changes only its rule and test files', () => {
    const input = seedInput() as any;
    input.alerts.overrides = { CacheMissRatioHigh: { threshold: 0.6 } };
    const changed = renderStack(validate(input));
    const diff = Object.keys(changed).filter((f) => changed[f] !== devFiles()[f]);
    expect(diff).toEqual(['prometheus/rules/cache.yml', 'prometheus/tests/cache.test.yml']);
  });
});

describe('annotation templates', () => {
  test('Go %.4g formatting', () => {
    expect(formatG(7.800000000000001, 4)).toBe('7.8');
    expect(formatG(0.019999999999999997 * 100, 4)).toBe('2');
    expect(formatG(12346, 4)).toBe('1.235e+04');
    expect(formatG(12345, 4)).toBe('1.234e+04'); // exact tie: to even, as Go does
    expect(formatG(128.25, 4)).toBe('128.2');
    expect(formatG(128.35, 4)).toBe('128.3'); // 128.35 is not exact in binary: below the tie
    expect(formatG(0.00001234, 4)).toBe('1.234e-05');
    expect(formatG(88, 4)).toBe('88');
  });

  test('humanize functions and labels', () => {
    const labels = { service: 'api' };
    // promtool 2.42 renders a missing label as an empty string (missingkey=zero on a map of strings).
    expect(renderTemplate('{{ $labels.service }} {{ $labels.missing }}', labels, 1)).toBe('api ');
    expect(renderTemplate('{{ $value | humanizePercentage }}', labels, 0.0234)).toBe('2.34%');
    expect(renderTemplate('{{ $value | humanizeDuration }}', labels, 7.8)).toBe('7.8s');
    expect(renderTemplate('{{ humanizeDuration $value }}', labels, 0.25)).toBe('250ms');
    expect(renderTemplate('{{ $value | humanizeDuration }}', labels, 3725)).toBe('1h 2m 5s');
    expect(renderTemplate('{{ $value | humanize }}', labels, 1234567)).toBe('1.235M');
    expect(renderTemplate('{{ $value }}', labels, 88)).toBe('88');
  });

  test('unsupported template functions are refused at validation', () => {
    expect(() => checkTemplate('{{ $value | js }}')).toThrow(/not supported/);
    const input = seedInput() as any;
    input.alerts.custom = [{ kind: 'down', name: 'ApiDown', jobs: ['backend'], summary: '{{ .Labels.job }} down' }];
    expect(() => validate(input)).toThrow(/\$\.alerts\.custom\[0\]\.summary: template action \{\{ \.Labels\.job \}\} is not supported/);
  });
});

describe('window override', () => {
  test('a catalog ratio alert takes a shorter window, in its rule and its test', () => {
    const input = seedInput() as any;
    input.alerts.overrides = { HttpServerErrorRatioHigh: { window: '1m', for: '1m' } };
    const files = renderStack(validate(input));
    expect(files['prometheus/rules/http.yml']).toContain('rate(http_requests_total{job="backend",status=~"5.."}[1m])');
    const tests = parseYaml(files['prometheus/tests/http.test.yml']).tests;
    const firing = tests.find((t: any) => t.alert_rule_test.some((c: any) => c.alertname === 'HttpServerErrorRatioHigh' && c.exp_alerts.length));
    // A 1m window holds two 30 s steps: for 1m + window 1m + a 30 s warm-up step + one step.
    expect(firing.interval).toBe('30s');
    expect(firing.alert_rule_test.at(-1).eval_time).toBe('3m');
  });

  test('alerts without a window refuse one', () => {
    const input = seedInput() as any;
    input.alerts.overrides = { RedisDown: { window: '1m' } };
    expect(() => validate(input)).toThrow(/\$\.alerts\.overrides\.RedisDown\.window: RedisDown is a down alert and has no window/);
  });
});

describe('purity', () => {
  test('the renderers and everything they import are free of Pulumi', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const seen = new Set<string>();
    const pulumiImports: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
        if (spec.startsWith('@pulumi/')) pulumiImports.push(`${path.relative(process.cwd(), file)} → ${spec}`);
        if (!spec.startsWith('.')) continue;
        const base = path.resolve(path.dirname(file), spec);
        const resolved = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
        if (resolved) visit(resolved);
      }
    };
    for (const entry of ['src/render/index.ts', 'src/synth.ts', 'src/check.ts', 'src/load.ts']) visit(path.resolve(__dirname, '..', entry));
    expect(seen.size).toBeGreaterThan(20);
    expect(pulumiImports).toEqual([]);
  });
});
