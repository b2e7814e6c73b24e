/**
 * Jaeger's receivers besides OTLP (issue 18): the `jaeger` (thrift compact/binary over UDP, gRPC, thrift HTTP) and
 * `zipkin` receivers, off by default, on when a stack enables them, published on the bind address. The receiver
 * names, protocol keys and container ports are those of the pinned release, Jaeger v2.11.0:
 * cmd/jaeger/internal/components.go registers jaegerreceiver and zipkinreceiver (opentelemetry-collector-contrib
 * v0.132.0, go.mod), and cmd/jaeger/internal/all-in-one.yaml configures them as below.
 */
import * as yaml from 'js-yaml';
import { renderStack } from '../src/render';
import { recordResources, RecordedResource } from '../src/resources';
import type { StackInput } from '../src/schema';
import { devInput, validate } from './helpers';

const SECRETS = { smtpPassword: 'x-smtp', slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x', grafanaAdminPassword: 'x-admin' };
const withSecrets = { config: SECRETS, secretKeys: Object.keys(SECRETS) };

/** The dev stack's input with the Jaeger component as given (the fixture's own settings, not the dev stack's). */
function withJaeger(jaeger: NonNullable<StackInput['components']>['jaeger'], bindAddress = '127.0.0.1'): StackInput {
  const input = devInput();
  return { ...input, bindAddress, components: { ...input.components, jaeger } };
}

const jaegerConfig = (input: StackInput) => yaml.load(renderStack(validate(input))['jaeger/config.yaml']) as any;

async function jaegerPorts(input: StackInput): Promise<Array<{ internal: number; external: number; protocol: string; ip: string }>> {
  const rs = await recordResources(validate(input), withSecrets);
  const label = (r: RecordedResource) => ((r.inputs.labels as any[]) ?? []).find((l) => l.label === 'monitoring-stack.component')?.value;
  const c = rs.find((r) => r.type === 'docker:index/container:Container' && label(r) === 'jaeger')!;
  return (c.inputs.ports as any[]) ?? [];
}

const ENABLED = { receivers: { jaeger: { enabled: true }, zipkin: { enabled: true } } };

describe('Jaeger receivers', () => {
  test('off by default: OTLP only, in the pipeline and on the host', async () => {
    const config = jaegerConfig(withJaeger({}));
    expect(Object.keys(config.receivers)).toEqual(['otlp']);
    expect(config.service.pipelines.traces.receivers).toEqual(['otlp']);
    expect((await jaegerPorts(withJaeger({}))).map((p) => p.internal).sort()).toEqual([16686, 4317, 4318].sort());
  });

  test('enabled: the keys of v2.11.0 cmd/jaeger/internal/all-in-one.yaml, listening inside the container', () => {
    const config = jaegerConfig(withJaeger(ENABLED));
    expect(config.receivers.jaeger).toEqual({
      protocols: {
        grpc: { endpoint: '0.0.0.0:14250' },
        thrift_http: { endpoint: '0.0.0.0:14268' },
        thrift_binary: { endpoint: '0.0.0.0:6832' },
        thrift_compact: { endpoint: '0.0.0.0:6831' },
      },
    });
    expect(config.receivers.zipkin).toEqual({ endpoint: '0.0.0.0:9411' });
    // A receiver outside the pipeline would be started by nothing.
    expect(config.service.pipelines.traces.receivers).toEqual(['otlp', 'jaeger', 'zipkin']);
  });

  test('one without the other', () => {
    const zipkinOnly = jaegerConfig(withJaeger({ receivers: { zipkin: { enabled: true } } }));
    expect(zipkinOnly.service.pipelines.traces.receivers).toEqual(['otlp', 'zipkin']);
    const jaegerOnly = jaegerConfig(withJaeger({ receivers: { jaeger: { enabled: true } } }));
    expect(jaegerOnly.service.pipelines.traces.receivers).toEqual(['otlp', 'jaeger']);
  });

  test('published on the bind address at the configured host ports, thrift over UDP', async () => {
    const input = withJaeger(
      { receivers: { jaeger: { enabled: true, thriftCompactPort: 16831, grpcPort: 24250 }, zipkin: { enabled: true, port: 19411 } } },
      '10.0.0.5',
    );
    const ports = await jaegerPorts(input);
    const byInternal = Object.fromEntries(ports.map((p) => [p.internal, `${p.ip}:${p.external}/${p.protocol}`]));
    expect(byInternal).toEqual({
      16686: '10.0.0.5:16686/tcp',
      4317: '10.0.0.5:4317/tcp',
      4318: '10.0.0.5:4318/tcp',
      6831: '10.0.0.5:16831/udp',
      6832: '10.0.0.5:6832/udp',
      14250: '10.0.0.5:24250/tcp',
      14268: '10.0.0.5:14268/tcp',
      9411: '10.0.0.5:19411/tcp',
    });
  });

  test('publish: false keeps every receiver inside the stack network', async () => {
    expect(await jaegerPorts(withJaeger({ ...ENABLED, publish: false }))).toEqual([]);
  });

  test('a host port taken twice is an error naming the field; UDP and TCP ports are separate', () => {
    expect(() => validate(withJaeger({ receivers: { zipkin: { enabled: true, port: 9090 } } }))).toThrow(
      /\$\.components\.jaeger\.receivers\.zipkin\.port: host port 9090 is already used by components\.prometheus\.port/,
    );
    expect(() => validate(withJaeger({ receivers: { jaeger: { enabled: true, thriftBinaryPort: 6831 } } }))).toThrow(
      /\$\.components\.jaeger\.receivers\.jaeger\.thriftBinaryPort: host port 6831\/udp is already used by components\.jaeger\.receivers\.jaeger\.thriftCompactPort/,
    );
    // 14250/udp and 14250/tcp do not collide.
    expect(() => validate(withJaeger({ receivers: { jaeger: { enabled: true, thriftCompactPort: 14250 } } }))).not.toThrow();
  });

  test('unknown receiver fields are rejected by the schema', () => {
    expect(() => validate(withJaeger({ receivers: { kafka: { enabled: true } } } as never))).toThrow(/\$\.components\.jaeger\.receivers/);
  });
});
