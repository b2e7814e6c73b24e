/**
 * The labels Loki streams carry, from the log pipeline the stack renders (src/render/promtail.ts): `job` and the
 * source's own labels on every file source, `filename` (Promtail's file target adds it: grafana/loki
 * clients/pkg/promtail/targets/file/filetarget.go, FilenameLabel), the JSON pipeline's labels on JSON sources
 * (promtail/pipeline.ts), and `container`/`stream` on Docker-discovered logs.
 */
import type { Stack } from '../../schema';
import { JSON_LABELS } from '../../../promtail/pipeline';
import { DOCKER_LOGS_JOB } from '../../render/promtail';

/** Log job → the stream labels its lines carry. */
export function logStreamLabels(stack: Stack): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const src of stack.logs.sources) {
    out.set(src.job, new Set(['job', 'filename', ...Object.keys(src.labels), ...(src.format === 'json' ? JSON_LABELS : [])]));
  }
  if (stack.logs.dockerDiscovery) out.set(DOCKER_LOGS_JOB, new Set(['job', 'container', 'stream']));
  return out;
}
