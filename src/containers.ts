/**
 * Facts about the component images and where things live inside their containers. Pure data (no Pulumi): the
 * renderers use the paths, the Pulumi layer uses everything, tests check both against each other.
 *
 * The mapping of synth files to containers lives here and only here: a file `files/<component>/<rest>` is uploaded
 * into the container of `<component>` at `<configDir>/<rest>` (e.g. `grafana/provisioning/datasources/x.yml` →
 * `/etc/grafana/provisioning/datasources/x.yml`, `grafana/dashboards/a.json` → `/etc/grafana/dashboards/a.json`),
 * except the files listed in `NOT_UPLOADED` (Prometheus rule tests are for promtool only).
 */
import type { ComponentName, Stack } from './schema';
import { CONTAINER_PORTS } from './jobs';
import { formatDuration, parseDuration } from './duration';

export interface ComponentRuntime {
  /** Image repository; the tag comes from the stack config (`components.<name>.version`). */
  image: string;
  /** `uid:gid` the container runs as: the image's own non-root user where it has one. */
  user: string;
  /** Directory that receives the component's synth files. */
  configDir: string;
  /** Where the component keeps its state; a named volume is mounted here. None for a stateless exporter. */
  dataDir?: string;
  /** Docker HEALTHCHECK test, using only what the image contains. */
  healthcheck: string[];
  /** Grace period before failed checks count (Loki's ring takes a while to become ready). */
  healthStartPeriod: string;
  /**
   * Owner the image gives `dataDir` when it is not `user`: a new named volume copies it, so the volume-init chowns
   * the volume to `user` (Alloy's /var/lib/alloy/data belongs to its unused `alloy` user).
   */
  imageDataOwner?: string;
}

export const uidOf = (runtime: ComponentRuntime): number => Number(runtime.user.split(':')[0]);
export const gidOf = (runtime: ComponentRuntime): number => Number(runtime.user.split(':')[1]);

/** `wget` as shipped by busybox/alpine: exits non-zero on connection errors and HTTP errors. */
const wget = (url: string) => ['CMD', 'wget', '-q', '-O', '/dev/null', url];

export const JAEGER_HEALTH_PORT = 13133;
export const JAEGER_OTLP_GRPC_PORT = 4317;
export const JAEGER_OTLP_HTTP_PORT = 4318;
export const JAEGER_BADGER_DIR = '/badger';
/** Container ports of the Jaeger and Zipkin receivers (the upstream defaults, cmd/jaeger/internal/all-in-one.yaml). */
export const JAEGER_RECEIVER_PORTS = { thriftCompact: 6831, thriftBinary: 6832, grpc: 14250, thriftHttp: 14268, zipkin: 9411 } as const;

export interface JaegerPort {
  /** The config field (under components.jaeger) that sets the host port. */
  field: string;
  internal: number;
  external: number;
  protocol: 'tcp' | 'udp';
}

/** Jaeger's ports besides the UI: OTLP always, the Jaeger and Zipkin receivers when enabled (thrift over UDP). */
export function jaegerPorts(j: Stack['components']['jaeger']): JaegerPort[] {
  const r = JAEGER_RECEIVER_PORTS;
  const jr = j.receivers.jaeger;
  return [
    { field: 'otlpGrpcPort', internal: JAEGER_OTLP_GRPC_PORT, external: j.otlpGrpcPort, protocol: 'tcp' },
    { field: 'otlpHttpPort', internal: JAEGER_OTLP_HTTP_PORT, external: j.otlpHttpPort, protocol: 'tcp' },
    ...(jr.enabled
      ? ([
          { field: 'receivers.jaeger.thriftCompactPort', internal: r.thriftCompact, external: jr.thriftCompactPort, protocol: 'udp' },
          { field: 'receivers.jaeger.thriftBinaryPort', internal: r.thriftBinary, external: jr.thriftBinaryPort, protocol: 'udp' },
          { field: 'receivers.jaeger.grpcPort', internal: r.grpc, external: jr.grpcPort, protocol: 'tcp' },
          { field: 'receivers.jaeger.thriftHttpPort', internal: r.thriftHttp, external: jr.thriftHttpPort, protocol: 'tcp' },
        ] as const)
      : []),
    ...(j.receivers.zipkin.enabled
      ? [{ field: 'receivers.zipkin.port', internal: r.zipkin, external: j.receivers.zipkin.port, protocol: 'tcp' as const }]
      : []),
  ];
}

export const GRAFANA_CONFIG_DIR = '/etc/grafana';
/** Where dashboard JSON files land (`files/grafana/dashboards/...`); a dashboard provider points here. */
export const GRAFANA_DASHBOARDS_DIR = `${GRAFANA_CONFIG_DIR}/dashboards`;
/** Grafana reads its admin password from this file (GF_SECURITY_ADMIN_PASSWORD__FILE). */
export const GRAFANA_ADMIN_PASSWORD_FILE = `${GRAFANA_CONFIG_DIR}/secrets/admin_password`;

/** Host directories of `logs.sources` are mounted read-only below this path, one directory per job. */
export const PROMTAIL_SOURCES_DIR = '/var/log/sources';
export const promtailSourceDir = (job: string) => `${PROMTAIL_SOURCES_DIR}/${job}`;
export const DOCKER_SOCKET = '/var/run/docker.sock';
export const ALLOY_CONFIG_FILE = 'config.alloy';

/** bash's /dev/tcp as an HTTP/1.0 client (images without wget/curl), healthy on a 200 status line. */
const bashHttpGet = (port: number, path: string) => [
  'CMD',
  'bash',
  '-c',
  `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`,
];

export const RUNTIME: Record<ComponentName, ComponentRuntime> = {
  prometheus: {
    image: 'prom/prometheus',
    user: '65534:65534',
    configDir: '/etc/prometheus',
    dataDir: '/prometheus',
    healthcheck: wget(`http://127.0.0.1:${CONTAINER_PORTS.prometheus}/-/healthy`),
    healthStartPeriod: '30s',
  },
  alertmanager: {
    image: 'prom/alertmanager',
    user: '65534:65534',
    configDir: '/etc/alertmanager',
    dataDir: '/alertmanager',
    healthcheck: wget(`http://127.0.0.1:${CONTAINER_PORTS.alertmanager}/-/healthy`),
    healthStartPeriod: '30s',
  },
  grafana: {
    image: 'grafana/grafana',
    // The image's grafana user is 472 in group root (0).
    user: '472:0',
    configDir: GRAFANA_CONFIG_DIR,
    dataDir: '/var/lib/grafana',
    healthcheck: wget(`http://127.0.0.1:${CONTAINER_PORTS.grafana}/api/health`),
    healthStartPeriod: '60s',
  },
  loki: {
    image: 'grafana/loki',
    user: '10001:10001',
    configDir: '/etc/loki',
    dataDir: '/loki',
    // Loki ≥ 3.6 images are distroless (no shell, no wget); ≥ 3.7 can check its own /ready endpoint.
    healthcheck: ['CMD', '/usr/bin/loki', '-health'],
    healthStartPeriod: '60s',
  },
  promtail: {
    image: 'grafana/promtail',
    // Root, so it can read host log files of any owner; the Pulumi layer drops every capability but
    // DAC_READ_SEARCH. The image has no curl/wget.
    user: '0:0',
    configDir: '/etc/promtail',
    dataDir: '/var/lib/promtail',
    // The image (Ubuntu) has bash: an HTTP/1.0 request over bash's /dev/tcp, healthy on a 200 status line.
    healthcheck: bashHttpGet(CONTAINER_PORTS.promtail, '/ready'),
    healthStartPeriod: '30s',
  },
  alloy: {
    image: 'grafana/alloy',
    // As Promtail: root to read host log files of any owner (and the Docker socket), every capability dropped but
    // DAC_READ_SEARCH. The image's `alloy` user (473) is not its default and upstream calls running as it
    // experimental (grafana/alloy v1.18.1 Dockerfile).
    user: '0:0',
    configDir: '/etc/alloy',
    dataDir: '/var/lib/alloy/data',
    // Ubuntu noble image: bash, no wget/curl; /-/ready per internal/service/http/http.go.
    healthcheck: bashHttpGet(CONTAINER_PORTS.alloy, '/-/ready'),
    healthStartPeriod: '30s',
    imageDataOwner: '473:473',
  },
  jaeger: {
    image: 'jaegertracing/jaeger',
    user: '10001:10001',
    configDir: '/etc/jaeger',
    dataDir: JAEGER_BADGER_DIR,
    healthcheck: wget(`http://127.0.0.1:${JAEGER_HEALTH_PORT}/status`),
    healthStartPeriod: '30s',
  },
  blackbox: {
    image: 'prom/blackbox-exporter',
    // The image sets no USER (root); its busybox base has nobody (65534), and probing needs no privilege for HTTP.
    user: '65534:65534',
    configDir: '/etc/blackbox_exporter',
    healthcheck: wget(`http://127.0.0.1:${CONTAINER_PORTS.blackbox}/-/healthy`),
    healthStartPeriod: '10s',
  },
};

/** Synth files that no container receives. */
export const NOT_UPLOADED = [/^prometheus\/tests\//];

/** Where a synth file (path relative to `files/`) goes: its container and the path inside it. */
export function containerPathOf(fileKey: string): { component: ComponentName; path: string } | undefined {
  if (NOT_UPLOADED.some((re) => re.test(fileKey))) return undefined;
  const slash = fileKey.indexOf('/');
  const component = fileKey.slice(0, slash) as ComponentName;
  if (slash < 0 || !(component in RUNTIME)) return undefined;
  return { component, path: `${RUNTIME[component].configDir}/${fileKey.slice(slash + 1)}` };
}

/** The synth files a component's container receives, as container path → content, sorted by path. */
export function uploadsFor(component: ComponentName, files: Record<string, string>): Array<{ file: string; content: string }> {
  return Object.keys(files)
    .sort()
    .flatMap((key) => {
      const target = containerPathOf(key);
      return target && target.component === component ? [{ file: target.path, content: files[key] }] : [];
    });
}

/** "512m" / "2g" → MiB, as Docker's memory limit in the provider. */
export function memoryMiB(limit: string): number {
  const m = /^([0-9]+)(m|g)$/.exec(limit);
  if (!m) throw new Error(`not a memory limit: ${limit}`);
  return Number(m[1]) * (m[2] === 'g' ? 1024 : 1);
}

/**
 * Prometheus' `--rules.alert.resend-delay`: half the evaluation interval, so every evaluation re-sends the firing
 * alerts. Prometheus drops a batch when its notifier knows no Alertmanager yet (notifier/manager.go `sendAll`), and
 * it learns them only at the first 5 s tick of its discovery manager (discovery/manager.go `updatert`), while the
 * first rule evaluation can come sooner: with the default 1m, the first Watchdog arrived a minute late. Only
 * Alertmanager sees the extra sends (it deduplicates them); `ValidUntil` stays 4 × the evaluation interval
 * (rules/alerting.go `sendAlerts`).
 */
export function resendDelay(stack: Pick<Stack, 'prometheus'>): string {
  return formatDuration(Math.max(1, Math.floor(parseDuration(stack.prometheus.evaluationInterval) / 2)));
}
