/**
 * Loki on the cluster (issue 13): `target.loki.mode` and `target.loki.objectStorage` as grafana/loki chart values.
 * Expectations come from the input configs below (names, buckets, secret names, sizes) and from the chart's key list
 * (test/fixtures/loki-chart-keys.ts, copied from values.yaml at the pinned tag); each check has a failing case.
 */
import * as pulumi from '@pulumi/pulumi';
import { recordResources } from '../src/resources';
import { kubernetesCharts } from '../src/render/kubernetes/charts';
import { kubernetesSecrets } from '../src/render/kubernetes/secrets';
import { kubePrometheusStackValues } from '../src/render/kubernetes/chart-values';
import { lokiPushAddress, lokiQueryAddress } from '../src/render/kubernetes/loki';
import { lokiConfig } from '../src/render/loki';
import { requiredSecrets } from '../src/pulumi/secrets';
import { toYaml } from '../src/yaml';
import type { Stack, StackInput } from '../src/schema';
import { seedInput, validate, withPodLogs } from './helpers';
import { secretLeaks, secretValuesFor } from './stack-checks';
import { lokiWorkloads, workloadProblems } from '../src/checks/kubernetes/workloads';
import { LOKI_VALUES_FILE } from '../src/render/kubernetes/loki';
import { LOKI_CHART_EXTRA_KEYS, LOKI_CHART_KEYS, LOKI_CHART_SECTIONS } from './fixtures/loki-chart-keys';

const NS = 'observability';
const BUCKETS = { chunks: 'chat-loki-chunks', ruler: 'chat-loki-ruler' };
const S3 = {
  type: 's3' as const,
  bucketNames: BUCKETS,
  region: 'eu-central-1',
  endpoint: 'minio.storage:9000',
  s3ForcePathStyle: true,
  accessKeyId: { secret: 'lokiS3KeyId' },
  secretAccessKey: { secret: 'lokiS3Key' },
};
const GCS = { type: 'gcs' as const, bucketNames: BUCKETS, serviceAccount: { secret: 'lokiGcsKey' } };
const SCALABLE = { read: { replicas: 2 }, write: { replicas: 2, storage: '30Gi', resources: { limits: { memory: '3Gi' } } }, backend: { replicas: 4, storage: '5Gi' } };

function kube(loki: Record<string, unknown> = {}, name = 'kube'): StackInput {
  return { ...withPodLogs(seedInput()), name, target: { kind: 'kubernetes', namespace: NS, release: 'kps', storageClass: 'fast-ssd', loki } } as StackInput;
}
const lokiValues = (stack: Stack): any => kubernetesCharts(stack).find((c) => c.chart === 'loki')!.values;
const ROLES = ['read', 'write', 'backend'] as const;

/** Every key path a values object sets, down to scalars and arrays (what the chart's key list must hold). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}
/** The keys set that the chart at the pinned tag does not have (an empty map or an extra entry opens its subtree). */
function unknownKeys(values: unknown): string[] {
  const allowed = [...LOKI_CHART_KEYS, ...LOKI_CHART_EXTRA_KEYS];
  const open = allowed.filter((k) => k.endsWith('.*')).map((k) => k.slice(0, -1));
  return keyPaths(values).filter((p) => !allowed.includes(p) && !open.some((o) => p.startsWith(o)));
}

describe('defaults: one single binary on a filesystem volume, as before', () => {
  const stack = validate(kube());
  const docker = validate(seedInput());
  const v = lokiValues(stack);

  test('mode single-binary with filesystem storage and the volume, resources and store of the Docker config', () => {
    const t = stack.target.kind === 'kubernetes' ? stack.target : undefined;
    expect([t?.loki.mode, t?.loki.objectStorage]).toEqual(['single-binary', { type: 'filesystem' }]);
    expect([v.deploymentMode, v.loki.storage, v.loki.commonConfig]).toEqual(['SingleBinary', { type: 'filesystem' }, { replication_factor: 1 }]);
    const dockerLoki = lokiConfig(docker) as any;
    expect(v.loki.schemaConfig).toEqual(dockerLoki.schema_config);
    const { working_directory: _dir, ...compactor } = dockerLoki.compactor;
    expect(v.loki.compactor).toEqual(compactor);
    expect(v.singleBinary).toEqual({
      replicas: 1,
      resources: t!.loki.resources,
      persistence: { enabled: true, size: t!.loki.storage, storageClass: 'fast-ssd', enableStatefulSetAutoDeletePVC: false },
    });
    expect([v.read, v.write, v.backend, v.gateway]).toEqual([{ replicas: 0 }, { replicas: 0 }, { replicas: 0 }, { enabled: false }]);
  });

  test('no storage Secret and no extra secret to set; object storage changes the store (the failing case)', () => {
    expect(kubernetesSecrets(stack).map((s) => s.name)).not.toContain('kube-loki-storage');
    expect(requiredSecrets(stack)).toEqual(requiredSecrets(docker));
    const s3 = lokiValues(validate(kube({ objectStorage: S3 })));
    expect(s3.loki.schemaConfig).not.toEqual((lokiConfig(docker) as any).schema_config);
    expect(s3.loki.schemaConfig.configs.map((c: any) => c.object_store)).toEqual(['s3']);
  });
});

describe('S3 object storage: chart keys, env placeholders, one Secret, no value anywhere', () => {
  const stack = validate(kube({ objectStorage: S3 }));
  const v = lokiValues(stack);

  test('loki.storage holds the buckets, region and endpoint from the config and ${VAR} references for the keys', () => {
    expect(v.loki.storage).toEqual({
      type: 's3',
      bucketNames: BUCKETS,
      s3: { region: S3.region, endpoint: S3.endpoint, s3ForcePathStyle: true, insecure: false, accessKeyId: '${LOKI_S3_ACCESS_KEY_ID}', secretAccessKey: '${LOKI_S3_SECRET_ACCESS_KEY}' },
    });
    expect([v.loki.compactor.delete_request_store, v.loki.schemaConfig.configs[0].object_store]).toEqual(['s3', 's3']);
  });

  test('the single binary expands the variables from the Secret keys named like the config\'s secrets', () => {
    expect(v.singleBinary.extraArgs).toEqual(['-config.expand-env=true']);
    expect(v.singleBinary.extraEnv).toEqual([
      { name: 'LOKI_S3_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'kube-loki-storage', key: S3.accessKeyId.secret } } },
      { name: 'LOKI_S3_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'kube-loki-storage', key: S3.secretAccessKey.secret } } },
    ]);
    expect(kubernetesSecrets(stack)).toContainEqual({ name: 'kube-loki-storage', keys: [S3.secretAccessKey.secret, S3.accessKeyId.secret].sort() });
    expect(requiredSecrets(stack)).toEqual(expect.arrayContaining([S3.accessKeyId.secret, S3.secretAccessKey.secret]));
  });

  test('without keys (the pod\'s own identity) there is no Secret, no variable and no flag', () => {
    const { accessKeyId: _a, secretAccessKey: _s, ...keyless } = S3;
    const k = validate(kube({ objectStorage: keyless }));
    expect(lokiValues(k).singleBinary).not.toHaveProperty('extraEnv');
    expect(lokiValues(k).loki.storage.s3).not.toHaveProperty('accessKeyId');
    expect(kubernetesSecrets(k).map((s) => s.name)).not.toContain('kube-loki-storage');
  });

  test('Pulumi creates the Secret from the Pulumi secrets; no value in the values, manifests, graph or resources.json', async () => {
    const secrets = secretValuesFor(stack);
    const rs = await recordResources(stack, { config: secrets, secretKeys: Object.keys(secrets) });
    const secret = rs.find((r) => r.type === 'kubernetes:core/v1:Secret' && (r.inputs.metadata as any).name === 'kube-loki-storage')!;
    expect((secret.inputs.stringData as any)[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
    expect((secret.inputs.stringData as any).value).toEqual({ [S3.accessKeyId.secret]: secrets[S3.accessKeyId.secret], [S3.secretAccessKey.secret]: secrets[S3.secretAccessKey.secret] });
    expect(await secretLeaks(stack)).toEqual([]);
  });

  test('a secret value in the values would be seen (the leak check can fail)', () => {
    const value = secretValuesFor(stack)[S3.secretAccessKey.secret];
    expect(toYaml(v)).not.toContain(value);
    expect(toYaml({ ...v, loki: { ...v.loki, storage: { ...v.loki.storage, s3: { secretAccessKey: value } } } })).toContain(value);
  });
});

describe('GCS object storage: the key as a file from the Secret', () => {
  const stack = validate(kube({ mode: 'simple-scalable', objectStorage: GCS }));
  const v = lokiValues(stack);

  test('loki.storage holds the buckets; each role mounts the key and names it in GOOGLE_APPLICATION_CREDENTIALS', () => {
    expect(v.loki.storage).toEqual({ type: 'gcs', bucketNames: BUCKETS });
    for (const role of ROLES) {
      expect([role, v[role].extraVolumes]).toEqual([role, [expect.objectContaining({ secret: expect.objectContaining({ secretName: 'kube-loki-storage', items: [{ key: GCS.serviceAccount.secret, path: 'service-account.json' }] }) })]]);
      expect(v[role].extraEnv).toEqual([{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${v[role].extraVolumeMounts[0].mountPath}/service-account.json` }]);
      expect(v[role]).not.toHaveProperty('extraArgs');
    }
    expect(kubernetesSecrets(stack)).toContainEqual({ name: 'kube-loki-storage', keys: [GCS.serviceAccount.secret] });
  });
});

describe('simple-scalable: the chart\'s roles with the config\'s replicas, resources and volumes', () => {
  const stack = validate(kube({ mode: 'simple-scalable', objectStorage: S3, simpleScalable: SCALABLE }));
  const v = lokiValues(stack);
  const t = stack.target.kind === 'kubernetes' ? stack.target.loki.simpleScalable : undefined;

  test('SimpleScalable, no single binary, replicas and resources per role, volumes for write and backend', () => {
    expect([v.deploymentMode, v.singleBinary]).toEqual(['SimpleScalable', { replicas: 0 }]);
    expect(ROLES.map((r) => v[r].replicas)).toEqual([SCALABLE.read.replicas, SCALABLE.write.replicas, SCALABLE.backend.replicas]);
    expect(v.write.resources.limits.memory).toBe(SCALABLE.write.resources.limits.memory);
    for (const r of ROLES) expect(v[r].resources).toEqual(t![r].resources);
    expect(v.write.persistence).toEqual({ size: SCALABLE.write.storage, storageClass: 'fast-ssd', enableStatefulSetAutoDeletePVC: false });
    expect(v.backend.persistence).toEqual({ size: SCALABLE.backend.storage, storageClass: 'fast-ssd', enableStatefulSetAutoDeletePVC: false });
    expect(v.read).not.toHaveProperty('persistence');
    for (const r of ROLES) expect(v[r].extraArgs).toEqual(['-config.expand-env=true']);
    expect(v.gateway).toMatchObject({ enabled: true, replicas: t!.gateway.replicas, resources: t!.gateway.resources });
    expect(v.gateway.podSecurityContext.runAsNonRoot).toBe(true);
  });

  test('one copy per write replica, up to the chart\'s 3; the Docker retention and limits as in single-binary', () => {
    expect(v.loki.commonConfig.replication_factor).toBe(Math.min(3, SCALABLE.write.replicas));
    const five = validate(kube({ mode: 'simple-scalable', objectStorage: S3, simpleScalable: { write: { replicas: 5 } } }));
    expect(lokiValues(five).loki.commonConfig.replication_factor).toBe(3);
    expect(v.loki.limits_config).toEqual(lokiValues(validate(kube())).loki.limits_config);
  });
});

describe('validation', () => {
  test('simple-scalable on filesystem storage is refused at target.loki.objectStorage.type, saying what is expected', () => {
    expect(() => validate(kube({ mode: 'simple-scalable' }))).toThrow(/\$\.target\.loki\.objectStorage\.type: .*"simple-scalable" needs object storage: expected "s3" or "gcs"/);
    expect(() => validate(kube({ mode: 'simple-scalable', objectStorage: { type: 'filesystem' } }))).toThrow(/\$\.target\.loki\.objectStorage\.type/);
    expect(() => validate(kube({ mode: 'simple-scalable', objectStorage: S3 }))).not.toThrow();
  });

  test('S3 keys come in pairs; an unknown storage type, a literal secret and a scheme in the endpoint are refused', () => {
    expect(() => validate(kube({ objectStorage: { ...S3, secretAccessKey: undefined } }))).toThrow(/\$\.target\.loki\.objectStorage: set accessKeyId and secretAccessKey together/);
    expect(() => validate(kube({ objectStorage: { type: 'azure', bucketNames: BUCKETS } }))).toThrow(/\$\.target\.loki\.objectStorage\.type: unknown type "azure"; expected one of filesystem, s3, gcs/);
    expect(() => validate(kube({ objectStorage: { ...S3, secretAccessKey: 'AKIA-literal' } }))).toThrow(/\$\.target\.loki\.objectStorage\.secretAccessKey: a literal secret is not allowed/);
    expect(() => validate(kube({ objectStorage: { ...S3, endpoint: 'https://user:pw@minio:9000' } }))).toThrow(/\$\.target\.loki\.objectStorage\.endpoint: .*host\[:port\]/);
  });
});

describe('addresses: Grafana queries and collectors push to the mode\'s entry point', () => {
  test('single-binary: the single binary\'s Service on 3100; simple-scalable: the gateway\'s Service on 80', () => {
    const single = validate(kube({}, 'chat'));
    const scalable = validate(kube({ mode: 'simple-scalable', objectStorage: GCS }, 'chat'));
    expect([lokiQueryAddress(single), lokiPushAddress(single)]).toEqual([`chat-loki.${NS}:3100`, `chat-loki.${NS}:3100`]);
    expect([lokiQueryAddress(scalable), lokiPushAddress(scalable)]).toEqual([`chat-loki-gateway.${NS}:80`, `chat-loki-gateway.${NS}:80`]);
    const url = (s: Stack) => (kubePrometheusStackValues(s) as any).grafana.additionalDataSources.find((d: any) => d.type === 'loki').url;
    expect([url(single), url(scalable)]).toEqual([`http://${lokiQueryAddress(single)}`, `http://${lokiQueryAddress(scalable)}`]);
    expect(url(single)).not.toEqual(url(scalable));
  });

  test('the gateway is on only where it is the address', () => {
    expect(lokiValues(validate(kube())).gateway.enabled).toBe(false);
    expect(lokiValues(validate(kube({ mode: 'simple-scalable', objectStorage: GCS }))).gateway.enabled).toBe(true);
  });
});

describe('every key set is a key of the chart at the pinned tag', () => {
  const configs: Array<[string, Record<string, unknown>]> = [
    ['defaults', {}],
    ['single-binary on s3', { objectStorage: S3 }],
    ['single-binary on gcs', { objectStorage: GCS }],
    ['simple-scalable on s3', { mode: 'simple-scalable', objectStorage: { ...S3, insecure: true }, simpleScalable: SCALABLE }],
    ['simple-scalable on gcs', { mode: 'simple-scalable', objectStorage: GCS }],
  ];
  test.each(configs)('%s', (_, loki) => {
    const values = lokiValues(validate(kube(loki)));
    expect(Object.keys(values).filter((k) => !LOKI_CHART_SECTIONS.includes(k))).toEqual([]);
    expect(unknownKeys(values)).toEqual([]);
  });

  test('a misspelt or invented key is reported (the check can fail)', () => {
    const values = lokiValues(validate(kube()));
    const bad = { ...values, singleBinary: { ...values.singleBinary, persistance: { size: '1Gi' } }, loki: { ...values.loki, storage: { type: 's3', s3: { secretKey: 'x' } } } };
    expect(unknownKeys(bad).sort()).toEqual(['loki.storage.s3.secretKey', 'singleBinary.persistance.size']);
  });
});

describe('workloads check on the Loki values', () => {
  const modes: Array<[string, Record<string, unknown>, string[]]> = [
    ['single-binary', {}, ['singleBinary']],
    ['simple-scalable', { mode: 'simple-scalable', objectStorage: S3 }, ['read', 'write', 'backend', 'gateway']],
  ];
  test.each(modes)('%s: every workload of the mode has requests, limits and a non-root pod', (_mode, loki, paths) => {
    const values = lokiValues(validate(kube(loki)));
    expect(lokiWorkloads(values).map((w) => w.path)).toEqual(paths);
    expect(workloadProblems(values, LOKI_VALUES_FILE)).toEqual([]);
  });

  test.each(modes)('%s: a workload without limits or a root pod fails, naming the key', (_mode, loki, paths) => {
    const values = JSON.parse(JSON.stringify(lokiValues(validate(kube(loki)))));
    const last = paths[paths.length - 1];
    delete values[last].resources.limits;
    values.loki.podSecurityContext.runAsNonRoot = false;
    const problems = workloadProblems(values, LOKI_VALUES_FILE);
    expect(problems).toContain(`${LOKI_VALUES_FILE}: ${last}.resources.limits.memory: missing; expected a quantity`);
    expect(problems).toContain(`${LOKI_VALUES_FILE}: loki.podSecurityContext.runAsNonRoot: is false; expected true`);
  });
});
