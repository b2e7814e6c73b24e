/**
 * index.ts, the Pulumi program itself, under mocks: the Pulumi stack name selects stacks/<name>.ts. It runs the
 * user's stacks/dev.ts, so every expectation is derived from that stack's validated config, never pinned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { containerPathOf } from '../src/containers';
import { loadStack } from '../src/load';
import { placeholderSecret, requiredSecrets } from '../src/pulumi/secrets';
import { volumeName } from '../src/pulumi/common';
import type { ComponentName } from '../src/schema';
import { fixtureConfigFile, REPO_ROOT, runCli, tmpDir } from './helpers';

const outputOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe('index.ts', () => {
  let program: typeof import('../index');
  const dev = loadStack({ stack: 'dev' }).stack;
  beforeAll(async () => {
    const keys = requiredSecrets(dev).map((n) => `monitoring-stack:${n}`);
    // Values shaped like the real ones (a PostgreSQL DSN is split into the exporter's files).
    pulumi.runtime.setAllConfig(Object.fromEntries(requiredSecrets(dev).map((n) => [`monitoring-stack:${n}`, placeholderSecret(dev, n)])), keys);
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({
          id: `${args.name}-id`,
          state: { ...args.inputs, ...(args.type.startsWith('random:') ? { result: 'generated' } : {}) },
        }),
        call: (args) => args.inputs,
      },
      'monitoring-stack',
      'dev',
    );
    program = await import('../index');
  });

  test('exports the UI URLs, OTLP endpoints, volume names and how to read the admin password', async () => {
    const urls = program.urls as Record<string, string>;
    expect(Object.keys(urls).length).toBeGreaterThan(0);
    for (const [c, url] of Object.entries(urls)) {
      const component = dev.components[c as ComponentName];
      expect(component.enabled).toBe(true);
      expect(url.endsWith(`:${component.port}`) && url.startsWith('http://')).toBe(true);
    }
    const jaeger = dev.components.jaeger;
    if (jaeger.enabled && jaeger.publish) expect(Object.keys(program.otlpEndpoints!).sort()).toEqual(['grpc', 'http']);
    const volumes = (await outputOf(program.volumes!)) as Record<string, string>;
    for (const [c, name] of Object.entries(volumes)) expect(name).toBe(volumeName(dev, c as ComponentName));
    expect(Object.keys(volumes).length).toBeGreaterThan(0);
    expect(program.grafanaAdminPasswordHelp).toBe('pulumi stack output grafanaAdminPassword --show-secrets');
    expect(await pulumi.isSecret(program.grafanaAdminPassword!)).toBe(true);
  });
});

describe('synth', () => {
  test('writes all six components\' files and resources.json', () => {
    const out = path.join(tmpDir(), 'out');
    const r = runCli('synth', ['--config', fixtureConfigFile('dev'), '--out', out]);
    expect(r.status).toBe(0);
    // The fixture's probes bring the blackbox exporter.
    for (const c of ['prometheus', 'alertmanager', 'grafana', 'loki', 'promtail', 'jaeger', 'blackbox']) {
      expect(fs.readdirSync(path.join(out, 'files', c)).length).toBeGreaterThan(0);
    }
    const resources = JSON.parse(fs.readFileSync(path.join(out, 'resources.json'), 'utf8'));
    const containers = resources.filter((x: any) => x.type === 'docker:index/container:Container');
    expect(containers.map((x: any) => x.name).sort()).toEqual(['alertmanager', 'blackbox', 'grafana', 'grafana-password', 'jaeger', 'loki', 'postgresExporter', 'prometheus', 'promtail', 'redisExporter', 'volume-init']);
  });

  test('bad input writes nothing, resources.json included', () => {
    const dir = tmpDir();
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'name: x\nenvironment: dev\n');
    const r = runCli('synth', ['--config', bad, '--out', path.join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});

describe('file → container mapping', () => {
  test('component directory, tests excluded', () => {
    expect(containerPathOf('grafana/provisioning/datasources/datasources.yml')).toEqual({
      component: 'grafana',
      path: '/etc/grafana/provisioning/datasources/datasources.yml',
    });
    expect(containerPathOf('grafana/dashboards/Stack/a.json')?.path).toBe('/etc/grafana/dashboards/Stack/a.json');
    expect(containerPathOf('prometheus/rules/http.yml')?.path).toBe('/etc/prometheus/rules/http.yml');
    expect(containerPathOf('prometheus/tests/http.test.yml')).toBeUndefined();
    expect(containerPathOf('loki/loki.yaml')?.path).toBe('/etc/loki/loki.yaml');
    expect(containerPathOf('README')).toBeUndefined();
  });
});

test('Pulumi project files', () => {
  const project = fs.readFileSync(path.join(REPO_ROOT, 'Pulumi.yaml'), 'utf8');
  expect(project).toMatch(/runtime:\n\s+name: nodejs\n\s+options:\n\s+typescript: true/);
  for (const stack of ['dev', 'prod']) expect(fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`))).toBe(true);
});
