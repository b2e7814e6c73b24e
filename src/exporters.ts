/**
 * The exporters a stack can deploy beside its components (issue 18): redis_exporter and postgres_exporter for the
 * backend's Redis and PostgreSQL (they feed `redis_up` / `pg_up`, so RedisDown and PostgresDown fire), node-exporter
 * and cAdvisor for host and container metrics, the way dockprom deploys them. Pure data and checks, no Pulumi:
 * src/pulumi/exporters.ts deploys them, validate.ts reports `exporterProblems`.
 *
 * Prometheus scrapes an exporter through an ordinary scrape target at its address on the stack network
 * (`redis-exporter:9121`), so the target's job name, labels and `ruleSets` stay the user's configuration.
 */
import { EXPORTER_NAMES, ExporterName, RuleSetName, Stack } from './schema';

export interface ExporterRuntime {
  /** For messages. */
  title: string;
  /** Image repository; the tag is `components.<name>.version`. */
  image: string;
  /** Network alias on the stack network and the container name's suffix (`<stack>-<alias>`). */
  alias: string;
  /** The port it serves /metrics on inside its container. */
  port: number;
  /** uid:gid: the image's own user (cAdvisor: root, like its image, with capabilities dropped). */
  user: string;
  /** Docker HEALTHCHECK test, using only what the image contains (test/fixtures/image-facts.ts). */
  healthcheck: string[];
  /** The metric family its scrape target must list, so the catalog's rules of that family watch it. */
  family?: RuleSetName;
  /** Host paths mounted read-only (host path → container path). */
  hostMounts: Array<{ hostPath: string; containerPath: string }>;
  /** Capabilities added after dropping all. */
  capabilities: string[];
}

/** `wget` as shipped by busybox/alpine: exits non-zero on connection errors and HTTP errors. */
const wget = (port: number, path: string) => ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}${path}`];

/**
 * The Redis password file: redis_exporter v1.88.0 `--redis.password-file` (main.go:161) reads a JSON map of Redis
 * URI → password (exporter/pwd_file.go `LoadPwdFile`), looked up by the address (exporter/redis.go
 * `lookupPasswordInPasswordMap`).
 */
export const REDIS_PASSWORD_FILE = '/etc/redis_exporter/secrets/passwords.json';

/**
 * postgres_exporter v0.20.1 has no file form of DATA_SOURCE_NAME; it reads the DSN's parts from
 * DATA_SOURCE_URI_FILE, DATA_SOURCE_USER_FILE and DATA_SOURCE_PASS_FILE (exporter/datasource.go `GetDataSources`)
 * and joins them as postgresql://user:pass@uri.
 */
export const POSTGRES_DSN_FILES = {
  DATA_SOURCE_URI_FILE: '/etc/postgres_exporter/secrets/uri',
  DATA_SOURCE_USER_FILE: '/etc/postgres_exporter/secrets/user',
  DATA_SOURCE_PASS_FILE: '/etc/postgres_exporter/secrets/password',
} as const;

/** node-exporter's view of the host: the root filesystem at /host (node_exporter v1.12.1 README, `--path.rootfs`). */
export const NODE_EXPORTER_ROOT = '/host';

/** cAdvisor's read-only host mounts (google/cadvisor v0.60.5 docs/running.md; /var/run read-only: the Docker socket still connects). */
export const CADVISOR_MOUNTS = [
  { hostPath: '/', containerPath: '/rootfs' },
  { hostPath: '/var/run', containerPath: '/var/run' },
  { hostPath: '/sys', containerPath: '/sys' },
  { hostPath: '/var/lib/docker', containerPath: '/var/lib/docker' },
  { hostPath: '/dev/disk', containerPath: '/dev/disk' },
];

export const EXPORTERS: Record<ExporterName, ExporterRuntime> = {
  redisExporter: {
    title: 'the Redis exporter',
    image: 'oliver006/redis_exporter',
    alias: 'redis-exporter',
    port: 9121,
    user: '59000:59000',
    // exporter/exporter.go:670: /health answers while the exporter runs (Redis itself is redis_up).
    healthcheck: wget(9121, '/health'),
    family: 'redis',
    hostMounts: [],
    capabilities: [],
  },
  postgresExporter: {
    title: 'the PostgreSQL exporter',
    image: 'quay.io/prometheuscommunity/postgres-exporter',
    alias: 'postgres-exporter',
    port: 9187,
    user: '65534:65534',
    // cmd/postgres_exporter/main.go:161: the landing page, without a database round trip.
    healthcheck: wget(9187, '/'),
    family: 'postgres',
    hostMounts: [],
    capabilities: [],
  },
  nodeExporter: {
    title: 'node-exporter',
    image: 'prom/node-exporter',
    alias: 'node-exporter',
    port: 9100,
    user: '65534:65534',
    healthcheck: wget(9100, '/'),
    hostMounts: [{ hostPath: '/', containerPath: NODE_EXPORTER_ROOT }],
    capabilities: [],
  },
  cadvisor: {
    title: 'cAdvisor',
    image: 'ghcr.io/google/cadvisor',
    alias: 'cadvisor',
    port: 8080,
    // No USER in its image: root reads /var/lib/docker; every capability but DAC_READ_SEARCH is dropped.
    user: '0:0',
    healthcheck: wget(8080, '/healthz'),
    hostMounts: CADVISOR_MOUNTS,
    capabilities: ['DAC_READ_SEARCH'],
  },
};

/** The address Prometheus scrapes an exporter at on the stack network. */
export const exporterAddress = (name: ExporterName) => `${EXPORTERS[name].alias}:${EXPORTERS[name].port}`;

export const enabledExporters = (stack: Stack): ExporterName[] => EXPORTER_NAMES.filter((e) => stack.components[e].enabled);

/** The secret config keys the enabled exporters read. */
export function exporterSecrets(stack: Stack): string[] {
  const c = stack.components;
  return [
    ...(c.redisExporter.enabled && c.redisExporter.password ? [c.redisExporter.password.secret] : []),
    ...(c.postgresExporter.enabled ? [c.postgresExporter.dsn.secret] : []),
  ];
}

/** The command line of an exporter: flags only, never a secret (those are files). */
export function exporterCommand(stack: Stack, name: ExporterName): string[] | undefined {
  if (name === 'redisExporter') {
    const r = stack.components.redisExporter;
    // --disable-scrape-endpoint (main.go:214): no /scrape?target=…, which would let a caller aim it at other hosts.
    return [`--redis.addr=${r.address}`, ...(r.password ? [`--redis.password-file=${REDIS_PASSWORD_FILE}`] : []), '--disable-scrape-endpoint'];
  }
  if (name === 'nodeExporter') {
    // collector/paths.go: procfs and sysfs default to the container's own; the host's are under the mounted root.
    return [`--path.rootfs=${NODE_EXPORTER_ROOT}`, `--path.procfs=${NODE_EXPORTER_ROOT}/proc`, `--path.sysfs=${NODE_EXPORTER_ROOT}/sys`];
  }
  return undefined;
}

/** The environment of an exporter: only `*_FILE` paths. */
export function exporterEnvs(stack: Stack, name: ExporterName): string[] {
  return name === 'postgresExporter' ? Object.entries(POSTGRES_DSN_FILES).map(([k, v]) => `${k}=${v}`) : [];
}

/** The Redis password file's content for a password (JSON map keyed by the exporter's address). */
export const redisPasswordFile = (address: string, password: string) => `${JSON.stringify({ [address]: password })}\n`;

export interface DsnParts {
  uri: string;
  user: string;
  password: string;
}

/**
 * Splits a DSN into postgres_exporter's three files, or undefined when it is not postgresql://user[:password]@host….
 * User and password are decoded: the exporter escapes them again (url.UserPassword in datasource.go).
 */
export function dsnParts(dsn: string): DsnParts | undefined {
  let u: URL;
  try {
    u = new URL(dsn.trim());
  } catch {
    return undefined;
  }
  if (!['postgresql:', 'postgres:'].includes(u.protocol) || !u.host || !u.username) return undefined;
  return { uri: `${u.host}${u.pathname}${u.search}`, user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

export const DSN_EXPECTED = 'postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…';

/** redis://host:port: no user info (a password goes in `password`), so the password file's key is exactly it. */
const REDIS_ADDRESS = /^rediss?:\/\/[A-Za-z0-9.\-_]+:[0-9]{1,5}$/;

type Add = (parts: Array<string | number>, message: string) => void;

/**
 * Config problems of the exporters: a host port already taken (`hostPorts`: port/protocol → owner), an enabled
 * exporter no scrape target scrapes, or scrapes without its family (its alerts would not watch it).
 */
export function exporterProblems(stack: Stack, hostPorts: Map<string, string>, add: Add): void {
  for (const name of EXPORTER_NAMES) {
    const comp = stack.components[name];
    const rt = EXPORTERS[name];
    const address = exporterAddress(name);
    if (!comp.enabled) continue;
    if (name === 'redisExporter' && !REDIS_ADDRESS.test(stack.components.redisExporter.address)) {
      add(['components', name, 'address'], 'not a Redis address without credentials; expected "redis://host:port" (or rediss://), the password in password: { secret: "<name>" }');
    }
    const scrapers = stack.scrapeTargets.flatMap((t, i) => (t.targets.includes(address) ? [{ t, i }] : []));
    if (comp.publish) {
      const other = hostPorts.get(`${comp.port}/tcp`);
      if (other) add(['components', name, 'port'], `host port ${comp.port} is already used by ${other}; expected a free port`);
      else hostPorts.set(`${comp.port}/tcp`, `components.${name}.port`);
    }
    const family = rt.family;
    if (scrapers.length === 0) {
      const example = `{ job: '${family ?? rt.alias}', targets: ['${address}']${family ? `, ruleSets: ['${family}']` : ''} }`;
      add(['components', name, 'enabled'], `${rt.title} runs at ${address}, which no scrape target scrapes; expected a scrapeTargets entry such as ${example}`);
    }
    for (const { t, i } of scrapers) {
      if (family && !t.ruleSets.includes(family)) {
        add(['scrapeTargets', i, 'ruleSets'], `job "${t.job}" scrapes ${rt.title} (${address}) but does not list "${family}"; expected "${family}" in ruleSets, so the ${family} alerts watch it`);
      }
    }
  }
}
