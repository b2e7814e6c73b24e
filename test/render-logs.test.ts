/** Loki and Promtail configs: shapes checked against the upstream docs (no binaries here to run them). */
import { renderStack } from '../src/render';
import { lokiConfig } from '../src/render/loki';
import { promtailConfig, PROMTAIL_POSITIONS_FILE, DOCKER_LOGS_JOB } from '../src/render/promtail';
import { promtailSourceDir, RUNTIME } from '../src/containers';
import { JSON_LABELS, JSON_METADATA, JSON_FIELDS } from '../promtail/pipeline';
import { FILE_TYPE_PATTERN } from '../promtail/sources';
import { goRegExp } from '../src/render/go-regexp';
import { SEED_LOG_JOBS, SEED_LOG_SOURCES } from './fixtures/seed-log-sources';
import { seedInput, loadFixture, parseYaml, validate } from './helpers';

describe('loki', () => {
  const dev = loadFixture('dev');
  const cfg = () => lokiConfig(dev) as any;

  test('single binary on the filesystem: tsdb, schema v13, daily index', () => {
    expect(cfg().auth_enabled).toBe(false);
    expect(cfg().common.replication_factor).toBe(1);
    expect(cfg().common.ring.kvstore.store).toBe('inmemory');
    expect(cfg().common.path_prefix).toBe(RUNTIME.loki.dataDir);
    expect(cfg().schema_config.configs).toEqual([
      expect.objectContaining({ store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }),
    ]);
    expect(cfg().server.http_listen_port).toBe(3100);
  });

  test('every path Loki writes is on its data volume', () => {
    const paths = [cfg().common.storage.filesystem.chunks_directory, cfg().common.storage.filesystem.rules_directory, cfg().compactor.working_directory];
    for (const p of paths) expect(p.startsWith(`${RUNTIME.loki.dataDir}/`)).toBe(true);
  });

  test('the compactor applies logs.retention', () => {
    const input = seedInput();
    input.logs = { ...input.logs, retention: '720h' };
    const c = lokiConfig(validate(input)) as any;
    expect(c.limits_config.retention_period).toBe('720h');
    expect(c.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem' });
    expect(c.limits_config.allow_structured_metadata).toBe(true);
  });

  // Keys per Loki v3.7.2 docs/sources/shared/configuration.md (`query_range`, `embedded_cache`): `cache_results`
  // defaults to false, and without it range-query results are never cached (queryrange/roundtrip.go:152).
  test('range-query results are cached in the embedded cache', () => {
    expect(cfg().query_range).toEqual({
      cache_results: true,
      results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: 100 } } },
    });
  });

  // Keys per Loki v3.7.2 docs/sources/shared/configuration.md (limits_config, compactor, ruler, analytics).
  test('refuses lines older than the retention, deletes after a delay, sends LogQL alerts to Alertmanager, reports nothing', () => {
    const c = cfg();
    expect(c.limits_config).toMatchObject({ reject_old_samples: true, reject_old_samples_max_age: dev.logs.retention, volume_enabled: true });
    expect(c.compactor).toMatchObject({ compaction_interval: '10m', retention_delete_delay: '2h' });
    expect(c.ruler).toEqual({ alertmanager_url: 'http://alertmanager:9093' });
    expect(c.analytics).toEqual({ reporting_enabled: false });
    expect(c.common.instance_addr).toBe('127.0.0.1');
    expect(c.server.log_level).toBe('info');
  });

  test('is rendered as loki/loki.yaml, and not when Loki is disabled', () => {
    expect(parseYaml(renderStack(dev)['loki/loki.yaml'])).toEqual(cfg());
    const input = seedInput();
    input.components = { loki: { enabled: false } };
    expect(renderStack(validate(input))['loki/loki.yaml']).toBeUndefined();
  });
});

describe('promtail', () => {
  const dev = loadFixture('dev');
  const cfg = () => promtailConfig(dev) as any;
  const byJob = (job: string) => cfg().scrape_configs.find((s: any) => s.job_name === job);

  test('pushes to Loki and keeps positions on its volume', () => {
    expect(cfg().clients).toEqual([{ url: 'http://loki:3100/loki/api/v1/push' }]);
    expect(PROMTAIL_POSITIONS_FILE.startsWith(`${RUNTIME.promtail.dataDir}/`)).toBe(true);
    expect(cfg().positions.filename).toBe(PROMTAIL_POSITIONS_FILE);
    // /ready must not depend on log files existing (the container healthcheck uses it).
    expect(cfg().server).toMatchObject({ http_listen_port: 9080, health_check_target: false });
  });

  test('the seed log sources are the dev stack\'s jobs', () => {
    expect(cfg().scrape_configs.map((s: any) => s.job_name)).toEqual([...SEED_LOG_JOBS]);
    expect(SEED_LOG_SOURCES.map((s) => s.job)).toEqual([...SEED_LOG_JOBS]);
  });

  test('each source tails its mounted directory with a job label', () => {
    for (const source of dev.logs.sources) {
      const sc = byJob(source.job);
      expect(sc.static_configs).toEqual([
        { targets: ['localhost'], labels: { __path__: `${promtailSourceDir(source.job)}/${source.include}`, job: source.job } },
      ]);
    }
  });

  test('JSON sources parse the seed format; only job, level and logger become labels', () => {
    const stages = byJob('backend_logs').pipeline_stages.slice(2) // after the file-type regex and labels stages;
    expect(stages.map((s: object) => Object.keys(s)[0])).toEqual(['json', 'labels', 'structured_metadata', 'timestamp']);
    expect(stages[0].json.expressions).toMatchObject({
      timestamp: 'timestamp',
      level: 'level',
      logger: 'logger',
      message: 'message',
      request_id: 'extra.request_id',
      user_id: 'extra.user_id',
      path: 'extra.path',
      method: 'extra.method',
      status_code: 'extra.status_code',
      duration_ms: 'extra.duration_ms',
    });
    expect(Object.keys(stages[1].labels).sort()).toEqual(['level', 'logger']);
    expect([...JSON_LABELS].sort()).toEqual(['level', 'logger']);
    // High-cardinality fields are never labels.
    for (const f of ['request_id', 'user_id', 'path', 'status_code', 'duration_ms', 'message']) expect(stages[1].labels).not.toHaveProperty(f);
    expect(Object.keys(stages[2].structured_metadata)).toEqual([...JSON_METADATA]);
    for (const f of JSON_METADATA) expect(JSON_FIELDS).toHaveProperty(f);
    expect(stages[3].timestamp).toMatchObject({ source: 'timestamp', format: 'RFC3339Nano', location: 'UTC', action_on_failure: 'fudge' });
  });

  test('JSON sources label each line with its file type from the file name (seed 000 layout)', () => {
    const [regex, labels] = byJob('backend_logs').pipeline_stages;
    expect(regex).toEqual({ regex: { source: 'filename', expression: FILE_TYPE_PATTERN } });
    expect(labels).toEqual({ labels: { file: 'file' } });
    const fileType = (name: string) => goRegExp(FILE_TYPE_PATTERN).exec(`/var/log/sources/backend_logs/${name}`)?.groups?.file;
    expect(['app_20261123.log', 'error_20261123.log', 'access_20261123.log'].map(fileType)).toEqual(['app', 'error', 'access']);
    // Names outside the layout get no label (no unbounded values from arbitrary names).
    expect(['backend.log', 'app_20261123.log.1', 'app_2026.log'].map(fileType)).toEqual([undefined, undefined, undefined]);
  });

  test('plain sources ship lines as they are', () => {
    expect(byJob('redis_logs').pipeline_stages).toBeUndefined();
  });

  test('Docker discovery reads container logs through the socket, labelled by container', () => {
    expect(byJob(DOCKER_LOGS_JOB)).toBeUndefined();
    const input = seedInput();
    input.logs = { ...input.logs, dockerDiscovery: true };
    const docker = (promtailConfig(validate(input)) as any).scrape_configs.find((s: any) => s.job_name === DOCKER_LOGS_JOB);
    expect(docker.docker_sd_configs).toEqual([{ host: 'unix:///var/run/docker.sock', refresh_interval: '15s' }]);
    expect(docker.relabel_configs).toContainEqual({ source_labels: ['__meta_docker_container_name'], regex: '/(.*)', target_label: 'container' });
    expect(docker.relabel_configs).toContainEqual({ target_label: 'job', replacement: DOCKER_LOGS_JOB });
  });

  test('is rendered as promtail/promtail.yaml', () => {
    expect(parseYaml(renderStack(dev)['promtail/promtail.yaml'])).toEqual(cfg());
  });
});
