/**
 * One ConfigMap per dashboard, holding the same JSON bytes as the Docker file. The label is the one the Grafana
 * dashboard sidecar of kube-prometheus-stack watches by default (`grafana.sidecar.dashboards.label: grafana_dashboard`,
 * `labelValue: "1"` in kube-prometheus-stack-67.8.0 values.yaml); the folder rides in an annotation for the sidecar's
 * `folderAnnotation`.
 */
import * as path from 'node:path';
import type { Stack } from '../../schema';
import type { RenderedFiles } from '../index';
import { buildDashboards } from '../dashboards';
import { KubeObject, kubeName, objectOf } from './objects';

export const DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;
export const FOLDER_ANNOTATION = 'grafana_folder';

export function dashboardConfigMaps(stack: Stack, files: RenderedFiles): KubeObject[] {
  return buildDashboards(stack).map((d) => {
    const object = objectOf(stack, 'v1', 'ConfigMap', kubeName(stack.name, 'dashboard', d.uid), {
      data: { [path.posix.basename(d.file)]: files[d.file] },
    });
    object.metadata.labels = { ...object.metadata.labels, ...DASHBOARD_LABEL };
    object.metadata.annotations = { [FOLDER_ANNOTATION]: d.folder };
    return object;
  });
}
