/**
 * The Pulumi program under mocks (no Docker, no Pulumi CLI): every resource registration is recorded as the engine
 * would receive it, secrets still marked.
 */
import * as pulumi from '@pulumi/pulumi';
import { MOCK_GENERATED_PASSWORD, recordResources, resourceGraphJson, resourcesJson, RecordedResource, SECRET_MARKER } from '../src/resources';
import { renderStack } from '../src/render';
import { COMPONENT_NAMES, ComponentName, DEFAULT_VERSIONS, Stack } from '../src/schema';
import { containerPathOf, GRAFANA_ADMIN_PASSWORD_FILE, RUNTIME, uploadsFor } from '../src/containers';
import { GRAFANA_PASSWORD_RESET } from '../src/pulumi/grafana-password';
import { parseDuration } from '../src/duration';
import { secretFile } from '../src/render/alertmanager';
import { seedInput, loadFixture, validate } from './helpers';
import { enabledComponents } from '../src/jobs';

const SECRETS = {
  smtpPassword: 'smtp-S3cret-value',
  slackWebhookUrl: 'https://hooks.slack.com/services/T000/B000/slack-S3cret',
  grafanaAdminPassword: 'grafana-S3cret-admin',
};
const withSecrets = { config: SECRETS, secretKeys: Object.keys(SECRETS) };

const isSecret = (v: any) => v && typeof v === 'object' && v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
const label = (r: RecordedResource, key: string) => ((r.inputs.labels as any[]) ?? []).find((l) => l.label === key)?.value;
const componentOf = (r: RecordedResource) => label(r, 'monitoring-stack.component') as ComponentName | undefined;
const containers = (rs: RecordedResource[]) => rs.filter((r) => r.type === 'docker:index/container:Container');
const componentContainers = (rs: RecordedResource[]) =>
  containers(rs).filter((r) => COMPONENT_NAMES.includes(componentOf(r) as ComponentName));
const container = (rs: RecordedResource[], c: ComponentName) => componentContainers(rs).find((r) => componentOf(r) === c)!;
const plainUploads = (r: RecordedResource) => (r.inputs.uploads as any[]).filter((u) => !isSecret(u.content));

/** Every string anywhere in a value outside secret wrappers. */
function visibleStrings(value: unknown, out: string[] = []): string[] {
  if (isSecret(value)) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => visibleStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => visibleStrings(v, out));
  return out;
}

describe('dev stack under mocks', () => {
  let dev: Stack;
  let rs: RecordedResource[];
  // beforeEach, not beforeAll: mutation testing (docs/testing.md) counts code run in beforeAll as covered by no test.
  beforeEach(async () => {
    dev = loadFixture('dev');
    rs = await recordResources(dev, withSecrets);
  });

  test('one MonitoringStack parents every other resource', () => {
    const roots = rs.filter((r) => r.parent === null);
    expect(roots.map((r) => r.type)).toEqual(['monitoring-stack:index:MonitoringStack']);
    for (const r of rs.filter((x) => x.parent !== null)) expect(r.parent).toBe(roots[0].name);
  });

  test('a container for each enabled component (one log collector), each with a pinned image', () => {
    expect(componentContainers(rs).map(componentOf).sort()).toEqual(enabledComponents(dev).sort());
    const images = rs.filter((r) => r.type === 'docker:index/remoteImage:RemoteImage');
    for (const c of enabledComponents(dev)) {
      const ref = `${RUNTIME[c].image}:${DEFAULT_VERSIONS[c]}`;
      expect(images.map((i) => i.inputs.name)).toContain(ref);
      // The mock gives each image its name as id, so the container shows which image it runs.
      expect(container(rs, c).inputs.image).toBe(ref);
      expect(ref).not.toMatch(/:latest$/);
    }
  });

  test('every container has a healthcheck, restart policy, memory limit, labels and no-new-privileges', () => {
    for (const r of componentContainers(rs)) {
      const c = componentOf(r)!;
      expect(r.inputs.healthcheck).toMatchObject({ tests: RUNTIME[c].healthcheck, interval: '30s', retries: 3 });
      expect((r.inputs.healthcheck as any).tests[0]).toBe('CMD');
      expect(r.inputs.restart).toBe('unless-stopped');
      expect(r.inputs.memory).toBeGreaterThan(0);
      expect(r.inputs.securityOpts).toContain('no-new-privileges:true');
      expect(label(r, 'monitoring-stack.stack')).toBe('dev');
      expect(r.inputs.user).toBe(RUNTIME[c].user);
      expect(r.options).toMatchObject({ deleteBeforeReplace: true, replaceOnChanges: ['healthcheck'] });
    }
  });

  test('non-root users where the image allows it (Promtail: root without capabilities but DAC_READ_SEARCH)', () => {
    for (const c of enabledComponents(dev).filter((x) => x !== 'promtail')) expect(container(rs, c).inputs.user).not.toMatch(/^0:/);
    expect(container(rs, 'promtail').inputs.capabilities).toEqual({ adds: ['DAC_READ_SEARCH'], drops: ['ALL'] });
  });

  test('every data path is on a named volume kept on delete, owned by the container user', () => {
    const volumes = rs.filter((r) => r.type === 'docker:index/volume:Volume');
    for (const c of enabledComponents(dev)) {
      const mount = (container(rs, c).inputs.volumes as any[]).find((v) => v.containerPath === RUNTIME[c].dataDir);
      expect(mount).toBeDefined();
      const volume = volumes.find((v) => v.inputs.name === mount.volumeName)!;
      expect(volume).toBeDefined();
      expect(volume.options.retainOnDelete).toBe(true);
    }
    // The init container chowns each non-root volume before the components start.
    const init = containers(rs).find((r) => r.name === 'volume-init')!;
    const script = (init.inputs.command as string[])[0];
    for (const c of enabledComponents(dev).filter((x) => RUNTIME[x].user !== '0:0')) expect(script).toContain(`chown -R ${RUNTIME[c].user} /volumes/${c}`);
    expect(script).toContain('chown -R 10001:10001 /volumes/loki');
    for (const r of componentContainers(rs)) expect(r.options.dependsOn).toContain('volume-init');
  });

  test('every published port is on 127.0.0.1, with the seed host ports', () => {
    const published = componentContainers(rs).flatMap((r) => (r.inputs.ports as any[]) ?? []);
    for (const p of published) expect(p.ip).toBe('127.0.0.1');
    const pairs = published.map((p) => `${p.external}->${p.internal}`).sort();
    // The fixture enables no Jaeger/Zipkin receivers; their ports are tested in test/jaeger-receivers.test.ts.
    expect(pairs).toEqual(['16686->16686', '3001->3000', '3100->3100', '4317->4317', '4318->4318', '9090->9090', '9093->9093'].sort());
  });

  test('all components share one network, each under its own alias; Prometheus reaches the host', () => {
    for (const c of enabledComponents(dev)) expect(container(rs, c).inputs.networksAdvanced).toEqual([{ aliases: [c], name: 'dev-monitoring' }]);
    expect(container(rs, 'prometheus').inputs.hosts).toEqual([{ host: 'host.docker.internal', ip: 'host-gateway' }]);
  });

  test('flags: Prometheus keeps its defaults, retention and lifecycle; Alertmanager runs alone', () => {
    expect(container(rs, 'prometheus').inputs.command).toEqual([
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=15d',
      '--storage.tsdb.retention.size=10GB',
      '--web.enable-lifecycle',
      '--enable-feature=exemplar-storage',
      // dev publishes Prometheus on 127.0.0.1:9090 and evaluates every 15s.
      '--web.external-url=http://127.0.0.1:9090/',
      '--web.route-prefix=/',
      '--rules.alert.resend-delay=7s500ms',
    ]);
    expect(container(rs, 'alertmanager').inputs.command).toEqual([
      '--config.file=/etc/alertmanager/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--cluster.listen-address=',
      '--web.external-url=http://127.0.0.1:9093/',
      '--web.route-prefix=/',
    ]);
  });

  test('Prometheus is created after Alertmanager, so its first notifications find it', () => {
    expect(container(rs, 'prometheus').options.dependsOn).toContain('alertmanager');
    expect(container(rs, 'alertmanager').options.dependsOn).not.toContain('prometheus');
  });

  test("each container's uploads are exactly the synth files for it", () => {
    const files = renderStack(dev);
    // The core components and those a stack brings with its config (the blackbox exporter with probes).
    const deployed = containers(rs).filter((r) => (componentOf(r) ?? '') in RUNTIME);
    for (const r of deployed) {
      const uploads = plainUploads(r).map((u) => ({ file: u.file, content: u.content }));
      expect(uploads).toEqual(uploadsFor(componentOf(r)!, files));
    }
    expect(deployed.map(componentOf)).toContain('blackbox');
    // Together they cover every synth file except the promtool tests.
    const uploaded = deployed.flatMap((r) => plainUploads(r).length);
    const expected = Object.keys(files).filter((k) => containerPathOf(k) !== undefined);
    expect(uploaded.reduce((a, b) => a + b, 0)).toBe(expected.length);
    expect(expected.some((k) => k.startsWith('prometheus/tests/'))).toBe(false);
  });

  test('secrets are Pulumi secrets, uploaded as 0400 files owned by the container user', () => {
    const am = container(rs, 'alertmanager');
    const secretUploads = (am.inputs.uploads as any[]).filter((u) => isSecret(u.content));
    expect(secretUploads.map((u) => u.file).sort()).toEqual([secretFile({ secret: 'slackWebhookUrl' }), secretFile({ secret: 'smtpPassword' })]);
    for (const u of secretUploads) expect(u).toMatchObject({ owner: '65534', group: '65534', permissions: '0400' });
    expect(secretUploads.find((u) => u.file.endsWith('smtpPassword')).content.value).toBe(SECRETS.smtpPassword);

    const grafana = container(rs, 'grafana');
    const pw = (grafana.inputs.uploads as any[]).find((u) => isSecret(u.content));
    expect(pw).toMatchObject({ file: '/etc/grafana/secrets/admin_password', owner: '472', permissions: '0400' });
    expect(pw.content.value).toBe(SECRETS.grafanaAdminPassword);
    expect(grafana.inputs.envs).toContain('GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/grafana/secrets/admin_password');
  });

  test('no secret value appears in any other input, in resources.json or in the rendered files', () => {
    const visible = rs.flatMap((r) => visibleStrings(r.inputs)).join('\n');
    const json = resourcesJson(rs);
    const files = Object.values(renderStack(dev)).join('\n');
    for (const value of Object.values(SECRETS)) {
      expect(visible).not.toContain(value);
      expect(json).not.toContain(value);
      expect(files).not.toContain(value);
    }
    expect(json).toContain(`"content": "${SECRET_MARKER}"`);
    // A configured password means nothing is generated.
    expect(rs.some((r) => r.type === 'random:index/randomPassword:RandomPassword')).toBe(false);
  });
});

const flag = (r: RecordedResource, name: string) =>
  (r.inputs.command as string[]).find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('external URLs (--web.external-url, Grafana root_url)', () => {
  test('a configured public URL wins over the published address; unpublished without one: no flag', async () => {
    const input = seedInput();
    input.components = {
      prometheus: { externalUrl: 'https://mon.example.org/prometheus/' },
      alertmanager: { publish: false },
      grafana: { port: 3333 },
    };
    const rs = await recordResources(validate({ ...input, bindAddress: '0.0.0.0' }), withSecrets);
    expect(flag(container(rs, 'prometheus'), 'web.external-url')).toBe('https://mon.example.org/prometheus/');
    // The path prefix stays out of the routes: healthchecks and datasources keep using /.
    expect(flag(container(rs, 'prometheus'), 'web.route-prefix')).toBe('/');
    expect(flag(container(rs, 'alertmanager'), 'web.external-url')).toBeUndefined();
    expect(flag(container(rs, 'alertmanager'), 'web.route-prefix')).toBeUndefined();
    const ini = plainUploads(container(rs, 'grafana')).find((u) => u.file === '/etc/grafana/grafana.ini').content as string;
    expect(ini).toMatch(/^root_url = http:\/\/127\.0\.0\.1:3333\/$/m);
  });

  test('the resend delay is below the evaluation interval, so each evaluation re-sends', async () => {
    for (const evaluationInterval of ['1s', '15s', '1m']) {
      const input = seedInput();
      input.prometheus = { ...input.prometheus, evaluationInterval };
      const rs = await recordResources(validate(input), withSecrets);
      const delay = parseDuration(flag(container(rs, 'prometheus'), 'rules.alert.resend-delay')!);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThan(parseDuration(evaluationInterval));
    }
  });
});

describe('Grafana admin password applied to the existing database', () => {
  const job = (rs: RecordedResource[]) => containers(rs).find((r) => r.name === GRAFANA_PASSWORD_RESET)!;
  let rs: RecordedResource[];
  beforeAll(async () => {
    rs = await recordResources(loadFixture('dev'), withSecrets);
  });

  test('a one-shot container of the pinned Grafana image, as Grafana\'s user, on Grafana\'s volume', () => {
    const j = job(rs);
    const grafana = container(rs, 'grafana');
    expect(j).toBeDefined();
    expect(j.inputs.image).toBe(grafana.inputs.image);
    expect(j.inputs.user).toBe(RUNTIME.grafana.user);
    expect(j.inputs).toMatchObject({ attach: true, mustRun: false, restart: 'no', entrypoints: ['/bin/sh', '-c'] });
    const grafanaVolume = (grafana.inputs.volumes as any[]).find((v) => v.containerPath === RUNTIME.grafana.dataDir);
    expect(j.inputs.volumes).toEqual([grafanaVolume]);
    expect(j.inputs.capabilities).toEqual({ drops: ['ALL'] });
  });

  test("runs Grafana's reset-admin-password with the password on stdin from the 0400 secret file", () => {
    const j = job(rs);
    const script = (j.inputs.command as string[])[0];
    expect(script).toMatch(/grafana cli --homepath "\$GF_PATHS_HOME" --config \/etc\/grafana\/grafana\.ini .*admin reset-admin-password --password-from-stdin < \/etc\/grafana\/secrets\/admin_password$/);
    // It waits (bounded) for Grafana to have created its database.
    expect(script).toMatch(/until wget -q -O \/dev\/null http:\/\/grafana:3000\/api\/health/);
    const pw = (j.inputs.uploads as any[]).find((u) => isSecret(u.content));
    expect(pw).toMatchObject({ file: GRAFANA_ADMIN_PASSWORD_FILE, owner: '472', group: '0', permissions: '0400' });
    expect(pw.content.value).toBe(SECRETS.grafanaAdminPassword);
    // The same grafana.ini as the server, so the CLI opens the same database.
    expect(plainUploads(j)).toEqual(plainUploads(container(rs, 'grafana')).filter((u) => u.file === '/etc/grafana/grafana.ini'));
    expect(j.inputs.envs).toBeUndefined();
    expect(visibleStrings(j.inputs).join('\n')).not.toContain(SECRETS.grafanaAdminPassword);
  });

  test('runs after Grafana and the volume init; replaced (so run again) when the password or Grafana changes', async () => {
    const j = job(rs);
    expect(j.options).toMatchObject({ deleteBeforeReplace: true });
    expect(j.options.dependsOn).toEqual(expect.arrayContaining(['grafana', 'volume-init']));
    expect(j.options.replaceOnChanges).toEqual(expect.arrayContaining(['uploads', 'labels']));
    expect(label(j, 'monitoring-stack.grafana-container')).toBe('grafana-id');

    const changed = await recordResources(loadFixture('dev'), {
      config: { ...SECRETS, grafanaAdminPassword: 'another-S3cret' },
      secretKeys: Object.keys(SECRETS),
    });
    const secretOf = (r: RecordedResource) => (r.inputs.uploads as any[]).find((u) => isSecret(u.content)).content.value;
    expect(secretOf(job(changed))).toBe('another-S3cret');
    expect(secretOf(job(changed))).not.toBe(secretOf(j));
  });

  test('a generated password (no grafanaAdminPassword) is the one applied, so the output logs in after destroy → up', async () => {
    const { grafanaAdminPassword: _omit, ...rest } = SECRETS;
    const rs = await recordResources(loadFixture('dev'), { config: rest, secretKeys: Object.keys(rest) });
    const password = rs.find((r) => r.type === 'random:index/randomPassword:RandomPassword')!;
    const pw = (job(rs).inputs.uploads as any[]).find((u) => u.file === GRAFANA_ADMIN_PASSWORD_FILE);
    expect(isSecret(pw.content)).toBe(true);
    expect(pw.content.value).toBe(MOCK_GENERATED_PASSWORD);
    expect(job(rs).options.dependsOn).toContain(password.name);
  });

  test('no job without Grafana', async () => {
    const input = seedInput();
    input.components = { grafana: { enabled: false } };
    expect(job(await recordResources(validate(input), withSecrets))).toBeUndefined();
  });
});

describe('Grafana admin password absent', () => {
  test('is generated (RandomPassword) and still uploaded as a secret', async () => {
    const { grafanaAdminPassword: _omit, ...rest } = SECRETS;
    const rs = await recordResources(loadFixture('dev'), { config: rest, secretKeys: Object.keys(rest) });
    const password = rs.find((r) => r.type === 'random:index/randomPassword:RandomPassword')!;
    expect(password.options.additionalSecretOutputs).toContain('result');
    const pw = (container(rs, 'grafana').inputs.uploads as any[]).find((u) => u.file === '/etc/grafana/secrets/admin_password');
    expect(isSecret(pw.content)).toBe(true);
    expect(container(rs, 'grafana').options.dependsOn).toContain(password.name);
  });
});

describe('missing secrets', () => {
  test('fail before any container, naming the command that sets them', async () => {
    await expect(recordResources(loadFixture('dev'), { placeholderSecrets: false })).rejects.toThrow(
      /npm run secrets -- --stack dev set slackWebhookUrl .*\n\s+npm run secrets -- --stack dev set smtpPassword /,
    );
  });
});

describe('changing one alert', () => {
  test.each([{ for: '10m' }, { threshold: 0.02 }])('(%j) changes only the uploads of Prometheus', async (override) => {
    const before = await recordResources(loadFixture('dev'), withSecrets);
    const input = seedInput();
    input.alerts = { ...input.alerts, overrides: { HttpServerErrorRatioHigh: override } };
    const after = await recordResources(validate(input), withSecrets);
    const changed = enabledComponents(loadFixture('dev')).filter(
      (c) => JSON.stringify(container(before, c).inputs.uploads) !== JSON.stringify(container(after, c).inputs.uploads),
    );
    expect(changed).toEqual(['prometheus']);
    // Nothing else about any resource changes either.
    const rest = (rs: RecordedResource[]) => JSON.stringify(rs.map((r) => ({ ...r, inputs: { ...r.inputs, uploads: undefined } })));
    expect(rest(after)).toBe(rest(before));
  });
});

describe('resources.json', () => {
  test('is deterministic and has the documented shape', async () => {
    const dev = loadFixture('dev');
    const a = resourcesJson(await recordResources(dev));
    const b = resourcesJson(await recordResources(dev));
    expect(a).toBe(b);
    const parsed = JSON.parse(a);
    for (const r of parsed) expect(Object.keys(r)).toEqual(['type', 'name', 'parent', 'inputs', 'options']);
    expect(parsed.map((r: any) => r.type)).toContain('docker:index/container:Container');
    expect(a).not.toMatch(/placeholder-/);
  });

  test('masks a known secret value even where it was not marked secret', () => {
    const leaky: RecordedResource = { type: 't', name: 'n', parent: null, inputs: { env: [`TOKEN=${SECRETS.smtpPassword}`] }, options: {} };
    expect(JSON.parse(resourcesJson([leaky], [SECRETS.smtpPassword]))[0].inputs.env).toEqual([SECRET_MARKER]);
  });

  test('synth output with real secret config holds none of them', async () => {
    const json = await resourceGraphJson(loadFixture('dev'), withSecrets);
    for (const value of Object.values(SECRETS)) expect(json).not.toContain(value);
  });
});

describe('prod example', () => {
  test('validates and deploys on 127.0.0.1 with its own receivers and docker discovery', async () => {
    const prod = loadFixture('prod');
    const rs = await recordResources(prod);
    expect(componentContainers(rs)).toHaveLength(6);
    for (const p of componentContainers(rs).flatMap((r) => (r.inputs.ports as any[]) ?? [])) expect(p.ip).toBe('127.0.0.1');
    const secretFiles = (container(rs, 'alertmanager').inputs.uploads as any[]).filter((u) => isSecret(u.content)).map((u) => u.file);
    expect(secretFiles).toContain(secretFile({ secret: 'incidentWebhookUrl' }));
    expect(container(rs, 'promtail').inputs.volumes).toContainEqual({ containerPath: '/var/run/docker.sock', hostPath: '/var/run/docker.sock', readOnly: true });
    expect(container(rs, 'prometheus').inputs.command).toContain('--storage.tsdb.retention.time=90d');
  });
});
