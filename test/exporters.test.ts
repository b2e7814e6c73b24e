/**
 * The exporters as components (issue 18 item 1) under Pulumi mocks, on the seed fixture (which enables the Redis
 * and PostgreSQL exporters like stacks/dev.ts): each container against the image facts recorded upstream
 * (test/fixtures/image-facts.ts), secrets only in 0400 files, a scrape job for each and the Redis/DB down alerts on
 * those jobs; node-exporter and cAdvisor only when enabled, with read-only host mounts. Failing fixtures next to
 * each check.
 */
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../src/errors';
import { dsnParts, exporterAddress, EXPORTERS, redisPasswordFile } from '../src/exporters';
import { neededSecrets } from '../src/cli/secrets';
import { renderStack } from '../src/render';
import { recordResources, RecordedResource } from '../src/resources';
import { EXPORTER_NAMES, EXPORTER_VERSIONS, ExporterName, Stack, StackInput } from '../src/schema';
import { EXPORTER_IMAGE_FACTS } from './fixtures/image-facts';
import { healthcheckProblems } from './healthcheck-facts';
import { loadFixture, parseYaml, seedInput, validate } from './helpers';
import { visibleStrings } from './stack-checks';

const CONTAINER = 'docker:index/container:Container';
const SECRETS = { redisPassword: 'R3dis-pass"word', postgresDsn: 'postgresql://exp%40orter:Pg-pa%3Ass@db.internal:5432/chat?sslmode=disable' };
const withSecrets = { config: SECRETS, secretKeys: Object.keys(SECRETS) };
const isSecret = (v: any) => v && typeof v === 'object' && v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
const label = (r: RecordedResource, key: string) => ((r.inputs.labels as any[]) ?? []).find((l) => l.label === key)?.value;
const exporterOf = (rs: RecordedResource[], e: ExporterName) => rs.find((r) => r.type === CONTAINER && label(r, 'monitoring-stack.component') === e);
const uploads = (r: RecordedResource) => (r.inputs.uploads as any[]) ?? [];

/** Problems of a config (the messages, prefixed by JSON path), or [] when it validates. */
function problemsOf(input: unknown): string[] {
  try {
    validate(input);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
}

describe('the seed fixture deploys the Redis and PostgreSQL exporters', () => {
  let stack: Stack;
  let rs: RecordedResource[];
  const enabled = () => EXPORTER_NAMES.filter((e) => stack.components[e].enabled);
  beforeAll(async () => {
    stack = loadFixture('dev');
    rs = await recordResources(stack, withSecrets);
  });

  test('exactly the enabled exporters run, node-exporter and cAdvisor are off by default', () => {
    expect(enabled().sort()).toEqual(['postgresExporter', 'redisExporter']);
    for (const e of EXPORTER_NAMES) expect(`${e} ${exporterOf(rs, e) !== undefined}`).toBe(`${e} ${stack.components[e].enabled}`);
  });

  test('facts were recorded at the pinned versions; each image is pinned to that tag', () => {
    for (const e of EXPORTER_NAMES) expect(`${e} ${EXPORTER_IMAGE_FACTS[e].version}`).toBe(`${e} ${EXPORTER_VERSIONS[e]}`);
    for (const e of enabled()) expect(exporterOf(rs, e)!.inputs.image).toBe(`${EXPORTER_IMAGE_FACTS[e].image}:${stack.components[e].version}`);
  });

  test("each runs as its image's non-root user, hardened, with a memory limit and its port on the bind address", () => {
    for (const e of enabled()) {
      const r = exporterOf(rs, e)!;
      expect(`${e} ${r.inputs.user}`).toBe(`${e} ${EXPORTER_IMAGE_FACTS[e].user}`);
      expect(r.inputs.user).not.toMatch(/^0:/);
      expect(r.inputs.capabilities).toEqual({ drops: ['ALL'] });
      expect(r.inputs.securityOpts).toEqual(['no-new-privileges:true']);
      expect(r.inputs.memory).toBeGreaterThan(0);
      expect(r.inputs.ports).toEqual([{ internal: EXPORTER_IMAGE_FACTS[e].health.port, external: stack.components[e].port, ip: stack.bindAddress, protocol: 'tcp' }]);
    }
  });

  test('each healthcheck runs a tool the image has and asks the endpoint it serves', () => {
    const problems = enabled().flatMap((e) => healthcheckProblems((exporterOf(rs, e)!.inputs.healthcheck as any).tests, EXPORTER_IMAGE_FACTS[e]).map((p) => `${e}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('no secret value in an environment variable, the command, a label or a rendered file', () => {
    const values = [SECRETS.redisPassword, 'Pg-pa:ss', 'Pg-pa%3Ass', SECRETS.postgresDsn];
    for (const e of enabled()) {
      const visible = visibleStrings(exporterOf(rs, e)!.inputs);
      for (const v of values) expect(visible.filter((s) => s.includes(v))).toEqual([]);
      for (const env of (exporterOf(rs, e)!.inputs.envs as string[]) ?? []) expect(env).toMatch(/^[A-Z_]+_FILE=\//);
    }
    for (const [file, text] of Object.entries(renderStack(stack))) for (const v of values) expect(`${file}: ${text.includes(v)}`).toBe(`${file}: false`);
  });

  test('the Redis password is a 0400 secret file read through --redis.password-file, keyed by the address', () => {
    const r = exporterOf(rs, 'redisExporter')!;
    const flag = (r.inputs.command as string[]).find((a) => a.startsWith('--redis.password-file='))!;
    const file = uploads(r).find((u) => u.file === flag.split('=')[1]);
    expect(isSecret(file.content)).toBe(true);
    expect(JSON.parse(file.content.value)).toEqual({ [stack.components.redisExporter.address]: SECRETS.redisPassword });
    expect([file.permissions, `${file.owner}:${file.group}`]).toEqual(['0400', EXPORTER_IMAGE_FACTS.redisExporter.user]);
    expect(r.inputs.command).toContain(`--redis.addr=${stack.components.redisExporter.address}`);
  });

  test('the PostgreSQL DSN becomes the three 0400 files its *_FILE variables name', () => {
    const r = exporterOf(rs, 'postgresExporter')!;
    const byEnv = Object.fromEntries((r.inputs.envs as string[]).map((e) => e.split('=')));
    const content = (env: string) => {
      const u = uploads(r).find((x) => x.file === byEnv[env]);
      expect(isSecret(u.content) && u.permissions === '0400' && `${u.owner}:${u.group}` === EXPORTER_IMAGE_FACTS.postgresExporter.user).toBe(true);
      return u.content.value;
    };
    // What the exporter joins back (datasource.go): postgresql://user:pass@uri, user and password escaped again.
    const joined = `postgresql://${encodeURIComponent(content('DATA_SOURCE_USER_FILE').trim())}:${encodeURIComponent(content('DATA_SOURCE_PASS_FILE').trim())}@${content('DATA_SOURCE_URI_FILE').trim()}`;
    expect(joined).toBe(SECRETS.postgresDsn);
  });

  test('Prometheus scrapes each exporter as its own job, and the Redis/DB down alerts watch those jobs', () => {
    const files = renderStack(stack);
    const prom = parseYaml(files['prometheus/prometheus.yml']);
    for (const [e, alert, file] of [['redisExporter', 'RedisDown', 'redis'], ['postgresExporter', 'PostgresDown', 'postgres']] as const) {
      const jobs = stack.scrapeTargets.filter((t) => t.targets.includes(exporterAddress(e))).map((t) => t.job);
      expect(jobs.length).toBe(1);
      const scrape = prom.scrape_configs.find((s: any) => s.job_name === jobs[0]);
      expect(scrape.static_configs[0].targets).toContain(exporterAddress(e));
      const rules = parseYaml(files[`prometheus/rules/${file}.yml`]).groups.flatMap((g: any) => g.rules);
      expect(rules.find((r: any) => r.alert === alert).expr).toContain(`job="${jobs[0]}"`);
    }
  });

  test('npm run secrets lists the exporters\' secrets as required, with their config paths', () => {
    const needed = neededSecrets(stack);
    expect(needed).toContainEqual({ name: 'redisPassword', required: true, usedBy: ['$.components.redisExporter.password'] });
    expect(needed).toContainEqual({ name: 'postgresDsn', required: true, usedBy: ['$.components.postgresExporter.dsn'] });
  });
});

describe('node-exporter and cAdvisor when enabled', () => {
  let rs: RecordedResource[];
  beforeAll(async () => {
    const input = seedInput();
    input.components = { ...input.components, nodeExporter: { enabled: true }, cadvisor: { enabled: true } };
    input.scrapeTargets = [...input.scrapeTargets!, { job: 'node', targets: ['node-exporter:9100'] }, { job: 'cadvisor', targets: ['cadvisor:8080'] }];
    rs = await recordResources(validate(input), withSecrets);
  });

  test('node-exporter: non-root, the host root read-only at --path.rootfs', () => {
    const r = exporterOf(rs, 'nodeExporter')!;
    expect(r.inputs.user).toBe(EXPORTER_IMAGE_FACTS.nodeExporter.user);
    const root = (r.inputs.command as string[]).find((a) => a.startsWith('--path.rootfs='))!.split('=')[1];
    expect(r.inputs.volumes).toEqual([{ hostPath: '/', containerPath: root, readOnly: true }]);
    expect(healthcheckProblems((r.inputs.healthcheck as any).tests, EXPORTER_IMAGE_FACTS.nodeExporter)).toEqual([]);
  });

  test('cAdvisor: root as its image, only DAC_READ_SEARCH, every host mount read-only', () => {
    const r = exporterOf(rs, 'cadvisor')!;
    expect(r.inputs.user).toBe(EXPORTER_IMAGE_FACTS.cadvisor.user);
    expect(r.inputs.capabilities).toEqual({ drops: ['ALL'], adds: ['DAC_READ_SEARCH'] });
    const volumes = r.inputs.volumes as any[];
    expect(volumes.map((v) => v.hostPath).sort()).toEqual(['/', '/dev/disk', '/sys', '/var/lib/docker', '/var/run']);
    expect(volumes.filter((v) => v.readOnly !== true)).toEqual([]);
    expect(r.inputs.privileged).toBeUndefined();
    expect(healthcheckProblems((r.inputs.healthcheck as any).tests, EXPORTER_IMAGE_FACTS.cadvisor)).toEqual([]);
  });
});

describe('failing fixtures', () => {
  const withComponents = (components: StackInput['components'], scrapeTargets?: StackInput['scrapeTargets']): StackInput => {
    const input = seedInput();
    return { ...input, components: { ...input.components, ...components }, ...(scrapeTargets ? { scrapeTargets } : {}) };
  };

  test('a plaintext DSN is rejected with its path, and the value is not echoed', () => {
    const dsn = 'postgresql://exporter:Plain-S3cret@db:5432/chat';
    const problems = problemsOf(withComponents({ postgresExporter: { enabled: true, dsn: dsn as never } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\$\.components\.postgresExporter\.dsn: a literal secret is not allowed here/);
    expect(problems[0]).not.toContain('Plain-S3cret');
  });

  test('a plaintext Redis password, and a Redis address carrying credentials, are rejected with their paths', () => {
    expect(problemsOf(withComponents({ redisExporter: { enabled: true, password: 'hunter2' as never } }))[0]).toMatch(/^\$\.components\.redisExporter\.password: a literal secret/);
    const problems = problemsOf(withComponents({ redisExporter: { enabled: true, address: 'redis://:hunter2@cache:6379' } }));
    expect(problems).toEqual(['$.components.redisExporter.address: not a Redis address without credentials; expected "redis://host:port" (or rediss://), the password in password: { secret: "<name>" }']);
  });

  test('an enabled exporter no scrape target scrapes names the target to add', () => {
    expect(problemsOf(withComponents({ nodeExporter: { enabled: true } }))).toEqual([
      "$.components.nodeExporter.enabled: node-exporter runs at node-exporter:9100, which no scrape target scrapes; expected a scrapeTargets entry such as { job: 'node-exporter', targets: ['node-exporter:9100'] }",
    ]);
  });

  test('a target scraping the Redis exporter without the redis family (RedisDown would not watch it)', () => {
    const input = seedInput();
    const targets = input.scrapeTargets!.map((t) => (t.job === 'redis' ? { ...t, ruleSets: [] } : t));
    const i = targets.findIndex((t) => t.job === 'redis');
    expect(problemsOf({ ...input, scrapeTargets: targets })).toEqual([
      `$.scrapeTargets[${i}].ruleSets: job "redis" scrapes the Redis exporter (redis-exporter:9121) but does not list "redis"; expected "redis" in ruleSets, so the redis alerts watch it`,
    ]);
  });

  test("an exporter's host port taken by a component", () => {
    const problems = problemsOf(withComponents({ cadvisor: { enabled: true, port: 9090 } }, [...seedInput().scrapeTargets!, { job: 'cadvisor', targets: ['cadvisor:8080'] }]));
    expect(problems).toEqual(['$.components.cadvisor.port: host port 9090 is already used by components.prometheus.port; expected a free port']);
  });

  test('the facts catch a healthcheck the image cannot answer (the scratch image, the wrong endpoint)', () => {
    const scratch = { ...EXPORTER_IMAGE_FACTS.redisExporter, version: 'v1.88.0', tools: ['/redis_exporter'] };
    expect(healthcheckProblems(EXPORTERS.redisExporter.healthcheck, scratch)).toEqual(['wget is not in oliver006/redis_exporter:v1.88.0 (it has /redis_exporter)']);
    expect(healthcheckProblems(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9121/metrics'], EXPORTER_IMAGE_FACTS.redisExporter)).toEqual([
      'does not ask /health on port 9121, the endpoint oliver006/redis_exporter serves',
    ]);
  });

  test('dsnParts: a DSN of another form is refused, user and password come out decoded', () => {
    for (const bad of ['placeholder-postgresDsn', 'mysql://u:p@h/db', 'postgresql://db:5432/chat', 'host=db user=x']) expect(dsnParts(bad)).toBeUndefined();
    expect(dsnParts('postgres://a%40b:p%3Aq@db:5432/chat?sslmode=require')).toEqual({ uri: 'db:5432/chat?sslmode=require', user: 'a@b', password: 'p:q' });
  });

  test('the Redis password file is the JSON map the exporter reads', () => {
    expect(JSON.parse(redisPasswordFile('redis://cache:6379', 'p"w'))).toEqual({ 'redis://cache:6379': 'p"w' });
  });
});
