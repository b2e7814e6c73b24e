/**
 * The labels Loki streams carry, from the log pipeline the stack renders (src/logs/pipeline.ts, the model both
 * collectors render): `job` and the source's own labels on every file source, `filename` (Promtail's file target
 * adds it: grafana/loki clients/pkg/promtail/targets/file/filetarget.go, FilenameLabel), the pipeline's label fields
 * and file type label, and `container`/`stream` on Docker-discovered logs. Structured metadata is per line, not a
 * stream label: `logMetadata` lists it.
 */
import type { Stack } from '../../schema';
import { logPipeline } from '../../logs/pipeline';
import { DOCKER_LOGS_JOB } from '../../render/promtail';

/** Log job → the stream labels its lines carry. */
export function logStreamLabels(stack: Stack): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const src of stack.logs.sources) {
    const p = logPipeline(src);
    out.set(src.job, new Set(['job', 'filename', ...Object.keys(src.labels), ...p.labels, ...(p.fileType ? [p.fileType.label] : [])]));
  }
  if (stack.logs.dockerDiscovery) out.set(DOCKER_LOGS_JOB, new Set(['job', 'container', 'stream']));
  return out;
}

/** Log job → the structured metadata its lines carry (readable by label filters and `by` without a parser). */
export function logMetadata(stack: Stack): Map<string, Set<string>> {
  return new Map(stack.logs.sources.map((s) => [s.job, new Set(logPipeline(s).metadata)]));
}
