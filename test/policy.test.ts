/** The policy pack: each policy's verdicts, and the dev stack's real resource graph passing all of them. */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import {
  CONTAINER,
  REMOTE_IMAGE,
  POLICIES,
  noPublicPorts,
  pinnedImageTags,
  namedVolumeForState,
  noPrivilegedContainers,
  noSecretEnvironment,
} from '../policy/policies';
import { recordResources } from '../src/resources';
import { seedInput, loadFixture, validate } from './helpers';

/** Runs a policy on one resource the way the policy engine would, returning the violations. */
function violations(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, config: object = {}): string[] {
  const found: string[] = [];
  const args = {
    type,
    props,
    urn: `urn:pulumi:dev::monitoring-stack::${type}::x`,
    name: 'x',
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    getConfig: () => config,
    isType: () => false,
    asType: () => undefined,
    notApplicable: () => {
      throw new Error('not applicable');
    },
  } as unknown as ResourceValidationArgs;
  const validate = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const fn of validate) fn!(args, (message: string) => found.push(message));
  return found;
}

const component = (name: string) => [{ label: 'monitoring-stack.component', value: name }];

describe('no-public-ports', () => {
  test('127.0.0.1 passes; 0.0.0.0 and an unset address fail', () => {
    expect(violations(noPublicPorts, CONTAINER, { ports: [{ internal: 9090, external: 9090, ip: '127.0.0.1' }] })).toEqual([]);
    expect(violations(noPublicPorts, CONTAINER, { name: 'p', ports: [{ internal: 9090, external: 9090, ip: '0.0.0.0' }] })).toEqual([
      'container p publishes port 9090 on all interfaces (ip 0.0.0.0); bind it to 127.0.0.1 or allow it with allowedPublicPorts',
    ]);
    expect(violations(noPublicPorts, CONTAINER, { ports: [{ internal: 3000, external: 3001 }] })).toHaveLength(1);
  });

  test('a port allowed in the policy config may be public', () => {
    const props = { ports: [{ internal: 3000, external: 3001, ip: '0.0.0.0' }] };
    expect(violations(noPublicPorts, CONTAINER, props, { allowedPublicPorts: [3001] })).toEqual([]);
  });
});

describe('pinned-image-tags', () => {
  test.each([
    ['prom/prometheus:v3.5.0', 0],
    ['grafana/grafana@sha256:0123456789abcdef', 0],
    ['localhost:5000/loki:3.6.3', 0],
    ['prom/prometheus:latest', 1],
    ['prom/prometheus', 1],
    ['localhost:5000/loki', 1],
  ])('%s → %i violation(s)', (name, count) => {
    expect(violations(pinnedImageTags, REMOTE_IMAGE, { name })).toHaveLength(count);
  });
});

describe('named-volume-for-stateful-components', () => {
  test('a data path on a named volume passes; none or a host path fails', () => {
    expect(violations(namedVolumeForState, CONTAINER, { labels: component('loki'), volumes: [{ volumeName: 'dev-loki-data', containerPath: '/loki' }] })).toEqual([]);
    expect(violations(namedVolumeForState, CONTAINER, { name: 'dev-loki', labels: component('loki'), volumes: [] })).toEqual([
      'container dev-loki (loki) keeps its data in /loki without a named volume there; the data would be lost when the container is replaced',
    ]);
    expect(violations(namedVolumeForState, CONTAINER, { labels: component('grafana'), volumes: [{ hostPath: '/srv/grafana', containerPath: '/var/lib/grafana' }] })).toHaveLength(1);
  });

  test('Jaeger needs a volume only with badger storage', () => {
    expect(violations(namedVolumeForState, CONTAINER, { labels: component('jaeger'), uploads: [{ file: '/etc/jaeger/config.yaml', content: 'backends:\n  memstore:\n    memory: {}\n' }] })).toEqual([]);
    expect(violations(namedVolumeForState, CONTAINER, { labels: component('jaeger'), uploads: [{ file: '/etc/jaeger/config.yaml', content: 'backends:\n  main:\n    badger: {}\n' }] })).toHaveLength(1);
  });
});

describe('no-privileged-containers', () => {
  test('privileged fails', () => {
    expect(violations(noPrivilegedContainers, CONTAINER, { privileged: false })).toEqual([]);
    expect(violations(noPrivilegedContainers, CONTAINER, { name: 'x', privileged: true })).toEqual(['container x runs privileged']);
  });
});

describe('no-secrets-in-environment', () => {
  test('file-based settings pass; secrets in plain variables fail', () => {
    expect(violations(noSecretEnvironment, CONTAINER, { envs: ['GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/grafana/secrets/admin_password', 'GF_AUTH_ANONYMOUS_ENABLED=false'] })).toEqual([]);
    expect(violations(noSecretEnvironment, CONTAINER, { name: 'g', envs: ['GF_SECURITY_ADMIN_PASSWORD=hunter2'] })).toEqual([
      'container g sets GF_SECURITY_ADMIN_PASSWORD in its environment; pass it as a file (GF_SECURITY_ADMIN_PASSWORD__FILE or GF_SECURITY_ADMIN_PASSWORD_FILE)',
    ]);
    expect(violations(noSecretEnvironment, CONTAINER, { envs: ['SLACK_WEBHOOK_URL=https://hooks.slack.com/x', 'API_KEY=abc'] })).toHaveLength(2);
  });
});

describe('the stack passes its own policies', () => {
  const check = async (stack: ReturnType<typeof loadFixture>) => {
    const resources = await recordResources(stack);
    const found: string[] = [];
    for (const r of resources) for (const p of POLICIES) found.push(...violations(p, r.type, r.inputs));
    return { resources, found };
  };

  test('dev and prod have no violations', async () => {
    for (const name of ['dev', 'prod'] as const) {
      const { resources, found } = await check(loadFixture(name));
      expect(resources.filter((r) => r.type === CONTAINER).length).toBeGreaterThanOrEqual(6);
      expect(found).toEqual([]);
    }
  });

  test('opening the bind address to 0.0.0.0 is caught', async () => {
    const input = seedInput() as any;
    input.bindAddress = '0.0.0.0';
    const { found } = await check(validate(input));
    expect(found.length).toBeGreaterThanOrEqual(6);
    expect(found.every((f) => /on all interfaces/.test(f))).toBe(true);
  });
});
