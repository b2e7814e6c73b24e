/**
 * The labels Loki streams carry, from the log pipeline the stack renders (src/logs/pipeline.ts, the model both
 * collectors render): `job` and the source's own labels on every file source, `filename` (Promtail's file target
 * adds it: grafana/loki clients/pkg/promtail/targets/file/filetarget.go, FilenameLabel), the pipeline's label fields
 * and file type label, `container`/`stream` on Docker-discovered logs, and the pod labels on a cluster. Structured metadata is per line, not a
 * stream label: `logMetadata` lists it.
 */
import type { Stack } from '../../schema';
import { logPipeline } from '../../logs/pipeline';
import { DOCKER_LOGS_JOB } from '../../render/promtail';
import { POD_LABELS } from '../../render/kubernetes/alloy-config';

/**
 * On a cluster, the labels the pod-log pipeline adds (src/render/kubernetes/alloy-config.ts), and `instance`, which
 * loki.source.kubernetes sets itself. The file labels stay allowed: the seed's dashboards match them with a value
 * that also matches their absence (`file=~"app|"`), so the same dashboards serve both targets.
 */
const podLabels = (stack: Stack): string[] => (stack.target.kind === 'kubernetes' ? [...Object.keys(POD_LABELS), 'instance'] : []);

/** Log job → the stream labels its lines carry. */
export function logStreamLabels(stack: Stack): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const src of stack.logs.sources) {
    const p = logPipeline(src);
    out.set(src.job, new Set(['job', 'filename', ...Object.keys(src.labels), ...p.labels, ...(p.fileType ? [p.fileType.label] : []), ...podLabels(stack)]));
  }
  if (stack.logs.dockerDiscovery) out.set(DOCKER_LOGS_JOB, new Set(['job', 'container', 'stream']));
  return out;
}

/** Log job → the structured metadata its lines carry (readable by label filters and `by` without a parser). */
export function logMetadata(stack: Stack): Map<string, Set<string>> {
  return new Map(stack.logs.sources.map((s) => [s.job, new Set(logPipeline(s).metadata)]));
}
