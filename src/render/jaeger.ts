/**
 * Jaeger v2 (an OpenTelemetry Collector distribution): OTLP gRPC/HTTP in, traces stored in memory or in badger on
 * the data volume, the query UI/API on 16686, health on 13133 (/status), its own metrics on 8888 for Prometheus.
 * When enabled, the `jaeger` and `zipkin` receivers (opentelemetry-collector-contrib, built into Jaeger 2.11.0 by
 * cmd/jaeger/internal/components.go) accept the older clients; their keys and ports are those of the release's own
 * cmd/jaeger/internal/all-in-one.yaml.
 */
import type { Stack } from '../schema';
import { CONTAINER_PORTS, METRICS_PORTS } from '../jobs';
import { JAEGER_BADGER_DIR, JAEGER_HEALTH_PORT, JAEGER_OTLP_GRPC_PORT, JAEGER_OTLP_HTTP_PORT, JAEGER_RECEIVER_PORTS } from '../containers';

export const JAEGER_STORE = 'traces';
/** The query API's gRPC port (used by Grafana's Jaeger datasource only over HTTP, kept inside the network). */
export const JAEGER_QUERY_GRPC_PORT = 16685;

/** Listen on all interfaces inside the container; which ports reach the host is the deployment's choice. */
const all = (port: number) => `0.0.0.0:${port}`;

export function jaegerConfig(stack: Stack): object {
  const j = stack.components.jaeger;
  const backend =
    j.storage === 'badger'
      ? {
          badger: {
            directories: { keys: `${JAEGER_BADGER_DIR}/keys`, values: `${JAEGER_BADGER_DIR}/values` },
            ephemeral: false,
            ttl: { spans: j.retention },
          },
        }
      : { memory: { max_traces: 100000 } };
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: {
          receivers: Object.keys(receivers(stack)),
          processors: ['batch'],
          exporters: ['jaeger_storage_exporter'],
        },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: {
          level: 'detailed',
          readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: METRICS_PORTS.jaeger } } } }],
        },
        logs: { level: 'info' },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: all(JAEGER_HEALTH_PORT) } },
      jaeger_query: {
        storage: { traces: JAEGER_STORE },
        http: { endpoint: all(CONTAINER_PORTS.jaeger) },
        grpc: { endpoint: all(JAEGER_QUERY_GRPC_PORT) },
      },
      jaeger_storage: { backends: { [JAEGER_STORE]: backend } },
    },
    receivers: receivers(stack),
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: JAEGER_STORE } },
  };
}

/** OTLP always; Jaeger's thrift/gRPC protocols and Zipkin when the stack enables them. */
function receivers(stack: Stack): Record<string, object> {
  const r = stack.components.jaeger.receivers;
  const p = JAEGER_RECEIVER_PORTS;
  return {
    otlp: {
      protocols: {
        grpc: { endpoint: all(JAEGER_OTLP_GRPC_PORT) },
        http: { endpoint: all(JAEGER_OTLP_HTTP_PORT) },
      },
    },
    ...(r.jaeger.enabled
      ? {
          jaeger: {
            protocols: {
              grpc: { endpoint: all(p.grpc) },
              thrift_http: { endpoint: all(p.thriftHttp) },
              thrift_binary: { endpoint: all(p.thriftBinary) },
              thrift_compact: { endpoint: all(p.thriftCompact) },
            },
          },
        }
      : {}),
    ...(r.zipkin.enabled ? { zipkin: { endpoint: all(p.zipkin) } } : {}),
  };
}
