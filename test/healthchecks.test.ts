/**
 * The containers of the Pulumi graph checked against the facts of each pinned image (test/fixtures/image-facts.ts,
 * with their upstream sources), not against the code's own table: a healthcheck runs only a tool the image has and
 * asks the endpoint the component serves, the container runs as the image's user (Promtail: root by design), every
 * container has a memory limit, Promtail's mounts cover every path its rendered config tails, and Grafana reads the
 * grafana.ini that is uploaded.
 */
import * as ini from 'ini';
import { memoryMiB } from '../src/containers';
import { renderStack } from '../src/render';
import { recordResources, RecordedResource } from '../src/resources';
import { COMPONENT_NAMES, ComponentName, DEFAULT_VERSIONS, Stack } from '../src/schema';
import { IMAGE_FACTS } from './fixtures/image-facts';
import { healthcheckProblems } from './healthcheck-facts';
import { loadFixture, parseYaml, seedInput, validate } from './helpers';
import { enabledComponents } from '../src/jobs';

const CONTAINER = 'docker:index/container:Container';
const label = (r: RecordedResource, key: string) => ((r.inputs.labels as any[]) ?? []).find((l) => l.label === key)?.value;
const containerOf = (rs: RecordedResource[], c: ComponentName) =>
  rs.find((r) => r.type === CONTAINER && label(r, 'monitoring-stack.component') === c)!;

/** The port each component's rendered config makes it listen on, where the config sets it. */
function configuredPorts(files: Record<string, string>): Partial<Record<ComponentName, number>> {
  const jaegerHealth = parseYaml(files['jaeger/config.yaml']).extensions.healthcheckv2.http.endpoint as string;
  return {
    grafana: Number((ini.parse(files['grafana/grafana.ini']) as any).server.http_port),
    loki: parseYaml(files['loki/loki.yaml']).server.http_listen_port,
    ...(files['promtail/promtail.yaml'] ? { promtail: parseYaml(files['promtail/promtail.yaml']).server.http_listen_port } : {}),
    jaeger: Number(jaegerHealth.slice(jaegerHealth.lastIndexOf(':') + 1)),
  };
}

/** The dev fixture with Grafana Alloy as its log collector. */
function devWithAlloy(): Stack {
  const input = seedInput();
  input.logs = { ...input.logs, collector: 'alloy', dockerDiscovery: true };
  return validate(input);
}

describe.each(['dev', 'prod', 'dev with alloy'] as const)('fixture stack %s against the image facts', (name) => {
  let stack: Stack;
  let rs: RecordedResource[];
  let files: Record<string, string>;
  beforeAll(async () => {
    stack = name === 'dev with alloy' ? devWithAlloy() : loadFixture(name);
    rs = await recordResources(stack);
    files = renderStack(stack);
  });

  test('the facts were recorded at the pinned versions (bump an image: re-check its facts)', () => {
    for (const c of COMPONENT_NAMES) expect(`${c} ${IMAGE_FACTS[c].version}`).toBe(`${c} ${DEFAULT_VERSIONS[c]}`);
    for (const c of enabledComponents(stack)) expect(containerOf(rs, c).inputs.image).toBe(`${IMAGE_FACTS[c].image}:${stack.components[c].version}`);
  });

  test('each healthcheck runs a tool the image has and asks the endpoint it serves', () => {
    const problems = enabledComponents(stack).flatMap((c) => healthcheckProblems((containerOf(rs, c).inputs.healthcheck as any).tests, IMAGE_FACTS[c]).map((p) => `${c}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('the rendered configs listen where the healthchecks ask', () => {
    for (const [c, port] of Object.entries(configuredPorts(files))) expect(`${c}:${port}`).toBe(`${c}:${IMAGE_FACTS[c as ComponentName].health.port}`);
  });

  test("each container runs as its image's user (Promtail: root, as its image, with capabilities dropped)", () => {
    for (const c of enabledComponents(stack)) expect(`${c} ${containerOf(rs, c).inputs.user}`).toBe(`${c} ${IMAGE_FACTS[c].user}`);
    // The log collector (Promtail or Alloy) runs as root: only the capability to read any file.
    const collector = stack.logs.collector;
    expect(containerOf(rs, collector).inputs.capabilities).toEqual({ adds: ['DAC_READ_SEARCH'], drops: ['ALL'] });
  });

  test('every container has the memory limit its config sets', () => {
    const containers = rs.filter((r) => r.type === CONTAINER);
    expect(containers.length).toBeGreaterThan(enabledComponents(stack).length - 1);
    for (const r of containers) {
      const c = label(r, 'monitoring-stack.component') as ComponentName | undefined;
      expect(`${r.name}: ${typeof r.inputs.memory}`).toBe(`${r.name}: number`);
      expect(r.inputs.memory as number).toBeGreaterThan(0);
      if (c && c in stack.components) expect(r.inputs.memory).toBe(memoryMiB(stack.components[c].memoryLimit));
    }
  });

  test("Promtail's mounts cover every path its rendered config tails, the Docker socket and its positions file", () => {
    if (!stack.components.promtail.enabled) return;
    const promtail = containerOf(rs, 'promtail');
    const mounts = (promtail.inputs.volumes as any[]).map((v) => v.containerPath as string);
    const covered = (p: string) => mounts.some((m) => p === m || p.startsWith(`${m}/`));
    const cfg = parseYaml(files['promtail/promtail.yaml']);
    const tailed: string[] = cfg.scrape_configs.flatMap((s: any) => (s.static_configs ?? []).map((sc: any) => sc.labels.__path__));
    expect(tailed.length).toBe(stack.logs.sources.length);
    expect(tailed.filter((p) => !covered(p))).toEqual([]);
    const sockets: string[] = cfg.scrape_configs.flatMap((s: any) => (s.docker_sd_configs ?? []).map((d: any) => d.host.replace(/^unix:\/\//, '')));
    expect(sockets.length).toBe(stack.logs.dockerDiscovery ? 1 : 0);
    expect(sockets.filter((p) => !covered(p))).toEqual([]);
    expect(covered(cfg.positions.filename)).toBe(true);
  });

  test('Grafana reads the grafana.ini that is uploaded (GF_PATHS_CONFIG, else the image default)', () => {
    const grafana = containerOf(rs, 'grafana');
    const facts = IMAGE_FACTS.grafana;
    const env = ((grafana.inputs.envs as string[]) ?? []).find((e) => e.startsWith(`${facts.configPathEnv}=`));
    const configPath = env ? env.slice(env.indexOf('=') + 1) : facts.configPath;
    const upload = (grafana.inputs.uploads as any[]).find((u) => u.file === configPath);
    expect(upload?.content).toBe(files['grafana/grafana.ini']);
  });

  test('each config flag names a file that is uploaded into that container', () => {
    for (const c of enabledComponents(stack)) {
      const r = containerOf(rs, c);
      const flag = ((r.inputs.command as string[]) ?? []).find((a) => /^--?config(\.file)?=/.test(a));
      const uploads = (r.inputs.uploads as any[]).map((u) => u.file);
      const path = flag ? flag.slice(flag.indexOf('=') + 1) : c === 'grafana' ? undefined : IMAGE_FACTS[c].configPath;
      if (path) expect(`${c}: ${uploads.includes(path)}`).toBe(`${c}: true`);
    }
  });
});

describe('failing fixtures: the facts catch a healthcheck the image cannot run', () => {
  test('wget in the distroless Loki image', () => {
    expect(healthcheckProblems(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3100/ready'], IMAGE_FACTS.loki)).toEqual([
      'wget is not in grafana/loki:3.7.2 (it has /usr/bin/loki)',
    ]);
  });

  test('curl in Promtail, a shell form, and the wrong endpoint', () => {
    expect(healthcheckProblems(['CMD', 'curl', '-f', 'http://127.0.0.1:9080/ready'], IMAGE_FACTS.promtail)).toHaveLength(1);
    expect(healthcheckProblems(['CMD-SHELL', 'wget -q -O- http://127.0.0.1:9090/-/healthy'], IMAGE_FACTS.prometheus)).toHaveLength(3);
    expect(healthcheckProblems(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9090/-/ready'], IMAGE_FACTS.prometheus)).toEqual([
      'does not ask /-/healthy on port 9090, the endpoint prom/prometheus serves',
    ]);
  });
});

describe('the blackbox exporter of the seed fixture (it has probes) against its image facts', () => {
  let rs: RecordedResource[];
  let files: Record<string, string>;
  beforeAll(async () => {
    const stack = loadFixture('dev');
    rs = await recordResources(stack);
    files = renderStack(stack);
  });
  const facts = IMAGE_FACTS.blackbox;

  test('pinned image at the facts version, non-root, a healthcheck the image can run, internal, stateless', () => {
    const bb = containerOf(rs, 'blackbox');
    expect(`${facts.version}`).toBe(DEFAULT_VERSIONS.blackbox);
    expect(bb.inputs.image).toBe(`${facts.image}:${facts.version}`);
    expect(bb.inputs.user).toBe(facts.runAs);
    expect(bb.inputs.user).not.toMatch(/^0:/);
    expect(healthcheckProblems((bb.inputs.healthcheck as any).tests, facts)).toEqual([]);
    expect(bb.inputs.ports ?? []).toEqual([]);
    expect(bb.inputs.volumes ?? []).toEqual([]);
  });

  test('its config flag names the rendered blackbox.yml it receives; Prometheus asks it on the port the image exposes', () => {
    const bb = containerOf(rs, 'blackbox');
    const flag = (bb.inputs.command as string[]).find((a) => a.startsWith('--config.file='))!;
    const upload = (bb.inputs.uploads as any[]).find((u) => u.file === flag.slice('--config.file='.length));
    expect(upload?.content).toBe(files['blackbox/blackbox.yml']);
    const jobs = parseYaml(files['prometheus/prometheus.yml']).scrape_configs;
    expect(jobs.find((j: any) => j.job_name === 'blackbox').static_configs[0].targets).toEqual([`blackbox:${facts.health.port}`]);
  });
});
