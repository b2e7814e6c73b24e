/**
 * Long-term metrics (issue 13): `prometheus.remoteWrite` on both targets. The seed fixture with two remote-write
 * targets (never stacks/*): one with basic auth, one with a bearer token. Expectations come from that input.
 */
import * as yaml from 'js-yaml';
import { ConfigError } from '../src/errors';
import { validateStack } from '../src/load';
import { renderStack } from '../src/render';
import { recordResources } from '../src/resources';
import { requiredSecrets } from '../src/pulumi/secrets';
import { kubePrometheusStackValues } from '../src/render/kubernetes/chart-values';
import { kubernetesSecrets } from '../src/render/kubernetes/secrets';
import type { StackInput } from '../src/schema';
import { seedInput, withPodLogs } from './helpers';
import { checkFailures, secretLeaks, secretValuesFor } from './stack-checks';

const REMOTE = [
  { name: 'mimir', url: 'https://mimir.example.com/api/v1/push', basicAuth: { username: 'tenant-chat', password: { secret: 'mimirPassword' } } },
  { name: 'thanos', url: 'https://thanos.example.com/api/v1/receive', bearerToken: { secret: 'thanosToken' } },
];
const input = (): StackInput => {
  const i = seedInput();
  i.prometheus = { ...i.prometheus, remoteWrite: JSON.parse(JSON.stringify(REMOTE)) };
  return i;
};
const docker = validateStack(input(), 'remote-write.yaml');
const kube = validateStack({ ...withPodLogs(input()), name: 'kube', target: { kind: 'kubernetes', namespace: 'observability', release: 'kps' } }, 'remote-write-kube.yaml');

const problemsOf = (i: unknown) => {
  try {
    validateStack(i, 'remote-write.yaml');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
};

describe('remote write on Docker', () => {
  test('prometheus.yml sends to each target, credentials read from files named after their secrets', () => {
    const config = yaml.load(renderStack(docker)['prometheus/prometheus.yml']) as any;
    expect(config.remote_write).toEqual([
      { name: 'mimir', url: REMOTE[0].url, basic_auth: { username: 'tenant-chat', password_file: '/etc/prometheus/secrets/mimirPassword' } },
      { name: 'thanos', url: REMOTE[1].url, authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/thanosToken' } },
    ]);
  });

  test('promtool accepts the config and every other check passes', async () => {
    expect(await checkFailures(docker)).toEqual([]);
  }, 300_000);

  test('the secrets are required, uploaded to Prometheus as 0400 files of its user, and leak nowhere', async () => {
    expect(requiredSecrets(docker)).toEqual(expect.arrayContaining(['mimirPassword', 'thanosToken']));
    const secrets = secretValuesFor(docker);
    const rs = await recordResources(docker, { config: secrets, secretKeys: Object.keys(secrets) });
    const prometheus = rs.find((r) => r.type === 'docker:index/container:Container' && String(r.inputs.name).endsWith('-prometheus'))!;
    const uploads = (prometheus.inputs.uploads as any[]).filter((u) => String(u.file).startsWith('/etc/prometheus/secrets/'));
    expect(uploads.map((u) => [u.file, u.permissions, u.owner])).toEqual([
      ['/etc/prometheus/secrets/mimirPassword', '0400', '65534'],
      ['/etc/prometheus/secrets/thanosToken', '0400', '65534'],
    ]);
    expect(await secretLeaks(docker)).toEqual([]);
  });

  test.each([
    ['a URL with credentials', 'https://user:token@mimir.example.com/api/v1/push'],
    ['a URL with a query (a token parameter)', 'https://mimir.example.com/api/v1/push?token=abc'],
  ])('%s is refused, naming the path', (_what, url) => {
    const i = input();
    i.prometheus!.remoteWrite![0].url = url;
    expect(problemsOf(i)).toEqual([expect.stringMatching(/^\$\.prometheus\.remoteWrite\[0\]\.url: .*without credentials, query or fragment/)]);
  });

  test('basic auth and a bearer token together are refused', () => {
    const i = input();
    i.prometheus!.remoteWrite![0].bearerToken = { secret: 'x' };
    expect(problemsOf(i)).toEqual([expect.stringMatching(/^\$\.prometheus\.remoteWrite\[0\]: set basicAuth or bearerToken, not both/)]);
  });
});

describe('remote write on Kubernetes', () => {
  test('prometheusSpec.remoteWrite reads every credential from the Secret Pulumi creates', () => {
    const name = 'kube-prometheus-remote-write';
    expect((kubePrometheusStackValues(kube) as any).prometheus.prometheusSpec.remoteWrite).toEqual([
      { name: 'mimir', url: REMOTE[0].url, basicAuth: { username: { name, key: 'mimir-username' }, password: { name, key: 'mimirPassword' } } },
      { name: 'thanos', url: REMOTE[1].url, authorization: { type: 'Bearer', credentials: { name, key: 'thanosToken' } } },
    ]);
    expect(kubernetesSecrets(kube)).toContainEqual({ name, keys: ['mimirPassword', 'thanosToken'], plain: { 'mimir-username': 'tenant-chat' } });
  });

  test('the Secret holds the keys as a Pulumi secret; no secret value anywhere in the graph or the manifests', async () => {
    const secrets = secretValuesFor(kube);
    const rs = await recordResources(kube, { config: secrets, secretKeys: Object.keys(secrets) });
    const secret = rs.find((r) => r.type === 'kubernetes:core/v1:Secret' && (r.inputs.metadata as any).name === 'kube-prometheus-remote-write')!;
    expect(Object.keys((secret.inputs.stringData as any).value).sort()).toEqual(['mimir-username', 'mimirPassword', 'thanosToken']);
    expect(await secretLeaks(kube)).toEqual([]);
  });
});
