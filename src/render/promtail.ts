/**
 * Promtail: tails the files of every `logs.sources` entry (mounted read-only under PROMTAIL_SOURCES_DIR) and,
 * when `logs.dockerDiscovery` is on, the logs of the Docker containers, and pushes them to Loki.
 * Labels stay low-cardinality: `job` per source, plus `file` (file type) and `level`/`logger` from the JSON pipeline.
 */
import type { Stack } from '../schema';
import { AddressOf, CONTAINER_PORTS, dockerAddress } from '../jobs';
import { DOCKER_SOCKET, promtailSourceDir, RUNTIME } from '../containers';
import { fileTypeStages, jsonPipelineStages } from '../../promtail/pipeline';
import { sortedLabels } from './prometheus';

export const PROMTAIL_POSITIONS_FILE = `${RUNTIME.promtail.dataDir}/positions.yaml`;
export const DOCKER_LOGS_JOB = 'docker_logs';

type LogSourceConfig = Stack['logs']['sources'][number];

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
  return {
    job_name: source.job,
    static_configs: [
      {
        targets: ['localhost'],
        labels: sortedLabels({ ...source.labels, job: source.job, __path__: `${promtailSourceDir(source.job)}/${source.include}` }),
      },
    ],
    ...(source.format === 'json' ? { pipeline_stages: [...fileTypeStages(), ...jsonPipelineStages()] } : {}),
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
