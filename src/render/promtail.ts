/**
 * Promtail: tails the files of every `logs.sources` entry (mounted read-only under PROMTAIL_SOURCES_DIR) and,
 * when `logs.dockerDiscovery` is on, the logs of the Docker containers, and pushes them to Loki.
 * Labels stay low-cardinality: `job` per source, plus `level`/`logger` from the JSON pipeline.
 */
import type { Stack } from '../schema';
import { AddressOf, CONTAINER_PORTS, dockerAddress } from '../jobs';
import { DOCKER_SOCKET, promtailSourceDir, RUNTIME } from '../containers';
import { LogPipeline, logPipeline } from '../logs/pipeline';
import { sortedLabels } from './prometheus';

export const PROMTAIL_POSITIONS_FILE = `${RUNTIME.promtail.dataDir}/positions.yaml`;
export const DOCKER_LOGS_JOB = 'docker_logs';

type LogSourceConfig = Stack['logs']['sources'][number];

/** `{ name: source }` with the extracted field of the same name as source. */
const keyed = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, n]));

/**
 * Promtail pipeline stages of a log source. Stage keys per Loki v3.6.10 clients/pkg/logentry/stages/stage.go
 * (json, logfmt, regex, labels, structured_metadata, timestamp) and their fields per json.go (`expressions`),
 * logfmt.go (`mapping`), regex.go (`expression`), timestamp.go (`source`, `format`, `fallback_formats`, `location`,
 * `action_on_failure`).
 */
export function promtailStages(p: LogPipeline): object[] {
  if (!p.parser) return [];
  const parse =
    p.parser.kind === 'json'
      ? { json: { expressions: { ...p.parser.expressions } } }
      : p.parser.kind === 'logfmt'
        ? { logfmt: { mapping: { ...p.parser.mapping } } }
        : { regex: { expression: p.parser.expression } };
  const fileType = p.fileType
    ? [{ regex: { source: p.fileType.source, expression: p.fileType.expression } }, { labels: keyed([p.fileType.label]) }]
    : [];
  return [
    ...fileType,
    parse,
    ...(p.labels.length ? [{ labels: keyed(p.labels) }] : []),
    ...(p.metadata.length ? [{ structured_metadata: keyed(p.metadata) }] : []),
    ...(p.timestamp ? [{ timestamp: promtailTimestamp(p.timestamp) }] : []),
  ];
}

function promtailTimestamp(t: NonNullable<LogPipeline['timestamp']>): object {
  return {
    source: t.source,
    format: t.formats[0],
    fallback_formats: t.formats.slice(1),
    location: 'UTC',
    // A line with a broken timestamp keeps the time it was read at rather than being dropped.
    action_on_failure: 'fudge',
  };
}

export function promtailConfig(stack: Stack, addressOf: AddressOf = dockerAddress): object {
  const scrapeConfigs: object[] = stack.logs.sources.map(fileScrapeConfig);
  if (stack.logs.dockerDiscovery) scrapeConfigs.push(dockerScrapeConfig());
  return {
    server: {
      http_listen_port: CONTAINER_PORTS.promtail,
      grpc_listen_port: 0,
      log_level: 'info',
      // /ready answers 200 even before any log file exists (a source directory may still be empty).
      health_check_target: false,
    },
    positions: { filename: PROMTAIL_POSITIONS_FILE },
    clients: [{ url: `http://${addressOf('loki', CONTAINER_PORTS.loki)}/loki/api/v1/push` }],
    scrape_configs: scrapeConfigs,
  };
}

function fileScrapeConfig(source: LogSourceConfig): object {
  const stages = promtailStages(logPipeline(source));
  return {
    job_name: source.job,
    static_configs: [
      {
        targets: ['localhost'],
        labels: sortedLabels({ ...source.labels, job: source.job, __path__: `${promtailSourceDir(source.job)}/${source.include}` }),
      },
    ],
    ...(stages.length ? { pipeline_stages: stages } : {}),
  };
}

/** Container logs through the Docker API (socket mounted read-only): `job="docker_logs"`, `container=<name>`. */
function dockerScrapeConfig(): object {
  return {
    job_name: DOCKER_LOGS_JOB,
    docker_sd_configs: [{ host: `unix://${DOCKER_SOCKET}`, refresh_interval: '15s' }],
    relabel_configs: [
      { source_labels: ['__meta_docker_container_name'], regex: '/(.*)', target_label: 'container' },
      { source_labels: ['__meta_docker_container_log_stream'], target_label: 'stream' },
      { target_label: 'job', replacement: DOCKER_LOGS_JOB },
    ],
  };
}
