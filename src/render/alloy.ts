/**
 * Grafana Alloy configuration (`logs.collector: 'alloy'`), built as a syntax tree (./alloy-syntax.ts). Per log
 * source: local.file_match → loki.source.file → loki.process (when the format parses anything) → loki.write; with
 * `logs.dockerDiscovery`, discovery.docker → loki.source.docker. Labels and parsing match the Promtail config: both
 * render src/logs/pipeline.ts. Component names and arguments per grafana/alloy v1.18.1
 * docs/sources/reference/components/: local/local.file_match.md (`path_targets`, export `targets`),
 * loki/loki.source.file.md (`targets`, `forward_to`), loki/loki.process.md (`forward_to`; stage.json `expressions`,
 * stage.logfmt `mapping`, stage.regex `expression` and `source`, stage.labels and stage.structured_metadata `values`,
 * stage.timestamp `source`/`format`/`fallback_formats`/`location`/`action_on_failure`), loki/loki.write.md
 * (endpoint `url`, export `receiver`), discovery/discovery.docker.md (`host`, `refresh_interval`),
 * loki/loki.relabel.md (`forward_to`, rule blocks, export `rules`), loki/loki.source.docker.md (`host`, `targets`,
 * `labels`, `relabel_rules`, `forward_to`).
 */
import type { LogSourceConfig, Stack } from '../schema';
import { AddressOf, CONTAINER_PORTS, dockerAddress } from '../jobs';
import { DOCKER_SOCKET, promtailSourceDir } from '../containers';
import { LogPipeline, logPipeline } from '../logs/pipeline';
import { AlloyBlock, AlloyStatement, AlloyValue, attr, block, obj, printAlloy, ref } from './alloy-syntax';
import { DOCKER_LOGS_JOB } from './promtail';

const WRITER = 'default';
const writerReceiver = ref(`loki.write.${WRITER}.receiver`);

/** An Alloy component label from a job name: identifiers have no "-" (crossCheck keeps the results unique). */
export const alloyLabel = (job: string) => job.replace(/-/g, '_');

const keyed = (names: readonly string[]) => obj(Object.fromEntries(names.map((n) => [n, n])));
const strings = (r: Record<string, string>) => obj({ ...r });

export function alloyStatements(stack: Stack, addressOf: AddressOf = dockerAddress): AlloyStatement[] {
  return [
    ...stack.logs.sources.flatMap(fileSource),
    ...(stack.logs.dockerDiscovery ? dockerSource() : []),
    block('loki.write', WRITER, [block('endpoint', undefined, [attr('url', `http://${addressOf('loki', CONTAINER_PORTS.loki)}/loki/api/v1/push`)])]),
  ];
}

export function alloyConfig(stack: Stack, header: string, addressOf: AddressOf = dockerAddress): string {
  return printAlloy(alloyStatements(stack, addressOf), header);
}

function fileSource(source: LogSourceConfig): AlloyBlock[] {
  const label = alloyLabel(source.job);
  const pipeline = logPipeline(source);
  const target: Record<string, AlloyValue> = { ...source.labels, job: source.job, __path__: `${promtailSourceDir(source.job)}/${source.include}` };
  return [
    block('local.file_match', label, [attr('path_targets', [obj(target)])]),
    block('loki.source.file', label, [
      attr('targets', ref(`local.file_match.${label}.targets`)),
      attr('forward_to', [pipeline.parser ? ref(`loki.process.${label}.receiver`) : writerReceiver]),
    ]),
    ...(pipeline.parser ? [block('loki.process', label, [attr('forward_to', [writerReceiver]), ...alloyStages(pipeline)])] : []),
  ];
}

/** The loki.process stages of a pipeline, in the order Promtail runs its stages. */
export function alloyStages(p: LogPipeline): AlloyBlock[] {
  if (!p.parser) return [];
  const parse =
    p.parser.kind === 'json'
      ? block('stage.json', undefined, [attr('expressions', strings(p.parser.expressions))])
      : p.parser.kind === 'logfmt'
        ? block('stage.logfmt', undefined, [attr('mapping', strings(p.parser.mapping))])
        : block('stage.regex', undefined, [attr('expression', p.parser.expression)]);
  const t = p.timestamp;
  const fileType = p.fileType
    ? [
        block('stage.regex', undefined, [attr('expression', p.fileType.expression), attr('source', p.fileType.source)]),
        block('stage.labels', undefined, [attr('values', keyed([p.fileType.label]))]),
      ]
    : [];
  return [
    ...fileType,
    parse,
    ...(p.labels.length ? [block('stage.labels', undefined, [attr('values', keyed(p.labels))])] : []),
    ...(p.metadata.length ? [block('stage.structured_metadata', undefined, [attr('values', keyed(p.metadata))])] : []),
    ...(t
      ? [
          block('stage.timestamp', undefined, [
            attr('source', t.source),
            attr('format', t.formats[0]),
            attr('fallback_formats', [...t.formats.slice(1)]),
            attr('location', 'UTC'),
            // A line with a broken timestamp keeps the time it was read at rather than being dropped.
            attr('action_on_failure', 'fudge'),
          ]),
        ]
      : []),
  ];
}

/** Container logs through the Docker API (socket mounted read-only): `job="docker_logs"`, `container=<name>`. */
function dockerSource(): AlloyBlock[] {
  const host = `unix://${DOCKER_SOCKET}`;
  const label = DOCKER_LOGS_JOB;
  const rule = (body: Record<string, AlloyValue>) => block('rule', undefined, Object.entries(body).map(([k, v]) => attr(k, v)));
  return [
    block('discovery.docker', label, [attr('host', host), attr('refresh_interval', '15s')]),
    block('loki.relabel', label, [
      attr('forward_to', []),
      rule({ source_labels: ['__meta_docker_container_name'], regex: '/(.*)', target_label: 'container' }),
      rule({ source_labels: ['__meta_docker_container_log_stream'], target_label: 'stream' }),
    ]),
    block('loki.source.docker', label, [
      attr('host', host),
      attr('targets', ref(`discovery.docker.${label}.targets`)),
      attr('labels', obj({ job: DOCKER_LOGS_JOB })),
      attr('relabel_rules', ref(`loki.relabel.${label}.rules`)),
      attr('forward_to', [writerReceiver]),
    ]),
  ];
}
