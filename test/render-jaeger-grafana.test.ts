/** Jaeger v2 and Grafana (datasources, settings) configs. */
import * as ini from 'ini';
import { renderStack } from '../src/render';
import { jaegerConfig, JAEGER_STORE } from '../src/render/jaeger';
import { grafanaDatasources } from '../src/render/grafana';
import { DATASOURCE_UIDS } from '../src/datasources';
import { METRICS_PORTS } from '../src/jobs';
import { JAEGER_BADGER_DIR, JAEGER_HEALTH_PORT, RUNTIME } from '../src/containers';
import { seedInput, loadFixture, parseYaml, validate } from './helpers';

describe('jaeger', () => {
  const dev = loadFixture('dev');
  const cfg = () => jaegerConfig(dev) as any;

  test('OTLP gRPC 4317 and HTTP 4318 in, UI on 16686, health on 13133', () => {
    expect(cfg().receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
    expect(cfg().extensions.jaeger_query.http.endpoint).toBe('0.0.0.0:16686');
    expect(cfg().extensions.healthcheckv2).toEqual({ use_v2: true, http: { endpoint: `0.0.0.0:${JAEGER_HEALTH_PORT}` } });
    expect(RUNTIME.jaeger.healthcheck.join(' ')).toContain(`:${JAEGER_HEALTH_PORT}/status`);
  });

  test('the pipeline and extensions refer to components that are defined', () => {
    const p = cfg().service.pipelines.traces;
    for (const r of p.receivers) expect(cfg().receivers).toHaveProperty(r);
    for (const r of p.processors) expect(cfg().processors).toHaveProperty(r);
    for (const e of p.exporters) expect(cfg().exporters).toHaveProperty(e);
    for (const e of cfg().service.extensions) expect(cfg().extensions).toHaveProperty(e);
    expect(cfg().extensions.jaeger_storage.backends).toHaveProperty(cfg().extensions.jaeger_query.storage.traces);
    expect(cfg().exporters.jaeger_storage_exporter.trace_storage).toBe(JAEGER_STORE);
  });

  test('exposes its own metrics where Prometheus scrapes them', () => {
    expect(cfg().service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({ host: '0.0.0.0', port: METRICS_PORTS.jaeger });
  });

  test('badger on the data volume keeps traces for components.jaeger.retention', () => {
    expect(dev.components.jaeger.storage).toBe('badger');
    expect(cfg().extensions.jaeger_storage.backends[JAEGER_STORE]).toEqual({
      badger: {
        directories: { keys: `${JAEGER_BADGER_DIR}/keys`, values: `${JAEGER_BADGER_DIR}/values` },
        ephemeral: false,
        ttl: { spans: dev.components.jaeger.retention },
      },
    });
    expect(RUNTIME.jaeger.dataDir).toBe(JAEGER_BADGER_DIR);
  });

  test('the traces pipeline is OTLP → batch → Jaeger storage; every extension it defines is started', () => {
    // jaeger v2 (cmd/jaeger/config.yaml at the pinned tag): an extension runs only when service.extensions names it.
    expect(cfg().service.extensions.sort()).toEqual(Object.keys(cfg().extensions).sort());
    expect(cfg().service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] });
    expect(cfg().extensions.jaeger_query.grpc).toEqual({ endpoint: '0.0.0.0:16685' });
    expect(cfg().service.telemetry).toMatchObject({ resource: { 'service.name': 'jaeger' }, metrics: { level: 'detailed' }, logs: { level: 'info' } });
  });

  test('memory storage', () => {
    const input = seedInput();
    input.components = { jaeger: { storage: 'memory' } };
    const c = jaegerConfig(validate(input)) as any;
    expect(c.extensions.jaeger_storage.backends[JAEGER_STORE]).toEqual({ memory: { max_traces: 100000 } });
    expect(parseYaml(renderStack(validate(input))['jaeger/config.yaml'])).toEqual(c);
  });
});

describe('grafana', () => {
  const dev = loadFixture('dev');
  const files = () => renderStack(dev);

  test('datasources: Prometheus (default), Loki, Jaeger, Alertmanager with the stable uids', () => {
    const file = parseYaml(files()['grafana/provisioning/datasources/datasources.yml']);
    expect(file.apiVersion).toBe(1);
    const byUid = Object.fromEntries(file.datasources.map((d: any) => [d.uid, d]));
    expect(Object.keys(byUid).sort()).toEqual(Object.values(DATASOURCE_UIDS).sort());
    expect(byUid[DATASOURCE_UIDS.prometheus]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true, access: 'proxy' });
    expect(byUid[DATASOURCE_UIDS.loki]).toMatchObject({ type: 'loki', url: 'http://loki:3100', isDefault: false });
    expect(byUid[DATASOURCE_UIDS.jaeger]).toMatchObject({ type: 'jaeger', url: 'http://jaeger:16686', isDefault: false });
    expect(byUid[DATASOURCE_UIDS.alertmanager]).toMatchObject({ type: 'alertmanager', url: 'http://alertmanager:9093', jsonData: { implementation: 'prometheus' } });
    expect(file.datasources.filter((d: any) => d.isDefault)).toHaveLength(1);
    for (const d of file.datasources) expect(typeof d.jsonData).toBe('object');
  });

  test('a disabled component has no datasource', () => {
    const input = seedInput();
    input.components = { loki: { enabled: false }, jaeger: { enabled: false } };
    expect(grafanaDatasources(validate(input)).map((d) => d.uid)).toEqual([DATASOURCE_UIDS.prometheus, DATASOURCE_UIDS.alertmanager]);
  });

  test('settings: no anonymous access, no sign-up, admin user from the config, no password in the file', () => {
    const text = files()['grafana/grafana.ini'];
    const settings = ini.parse(text) as any;
    expect(settings.auth.anonymous.enabled).toBe(false);
    expect(settings.users.allow_sign_up).toBe(false);
    expect(settings.security.admin_user).toBe(dev.grafana.adminUser);
    expect(settings.security).not.toHaveProperty('admin_password');
    expect(settings.server.http_port).toBe('3000');
    expect(text.startsWith('# Generated by monitoring-stack')).toBe(true);
  });

  test('settings: the hardened defaults, and nothing else but the port, paths and root_url', () => {
    const settings = ini.parse(files()['grafana/grafana.ini']) as any;
    expect(settings).toEqual({
      paths: { provisioning: '/etc/grafana/provisioning' },
      server: { http_port: '3000', root_url: expect.any(String) },
      security: { admin_user: dev.grafana.adminUser, disable_gravatar: true, cookie_samesite: 'lax' },
      users: { allow_sign_up: false, allow_org_create: false },
      auth: { anonymous: { enabled: false } },
      analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
    });
  });

  test('datasource settings: Prometheus by POST at the scrape interval with its Alertmanager, Loki 1000 lines, Alertmanager not Grafana-managed', () => {
    const byUid = Object.fromEntries(grafanaDatasources(dev).map((d) => [d.uid, d.jsonData]));
    expect(byUid[DATASOURCE_UIDS.prometheus]).toMatchObject({ httpMethod: 'POST', timeInterval: dev.prometheus.scrapeInterval, alertmanagerUid: DATASOURCE_UIDS.alertmanager });
    expect(byUid[DATASOURCE_UIDS.loki]).toMatchObject({ maxLines: 1000 });
    expect(byUid[DATASOURCE_UIDS.alertmanager]).toEqual({ implementation: 'prometheus', handleGrafanaManagedAlerts: false });
  });

  test('dashboards are provisioned read-only: not deletable, not saved over from the UI', () => {
    const [provider] = parseYaml(files()['grafana/provisioning/dashboards/dashboards.yml']).providers;
    expect(provider).toMatchObject({ name: 'monitoring-stack', type: 'file', disableDeletion: true, allowUiUpdates: false });
  });

  test('root_url: components.grafana.externalUrl, else the published address, else unset', () => {
    const rootUrl = (input: ReturnType<typeof seedInput>) => (ini.parse(renderStack(validate(input))['grafana/grafana.ini']) as any).server.root_url;
    const input = seedInput();
    input.components = { ...input.components, grafana: { externalUrl: 'https://grafana.example.com/' } };
    expect(rootUrl(input)).toBe('https://grafana.example.com/');
    input.components.grafana = { port: 3005 };
    expect(rootUrl({ ...input, bindAddress: '0.0.0.0' })).toBe('http://127.0.0.1:3005/');
    input.components.grafana = { publish: false };
    expect(rootUrl(input)).toBeUndefined();
  });
});
