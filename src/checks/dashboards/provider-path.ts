import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { Check } from '../types';
import { containerPathOf } from '../../containers';
import { DASHBOARD_PROVIDER_FILE, DASHBOARDS_DIR } from '../../render/dashboards';

/** Where files/grafana/dashboards/ lands in the Grafana container. */
export const uploadedDashboardsDir = (): string => path.posix.dirname(containerPathOf(`${DASHBOARDS_DIR}/x.json`)?.path ?? '');

export const providerPath: Check = {
  id: 'dashboards/provider-path',
  description: `the dashboard provider (${DASHBOARD_PROVIDER_FILE}) reads the folder the dashboards are uploaded to`,
  severity: 'error',
  target: 'dashboards',
  explain:
    'Grafana loads dashboard files only through a file provider; when its options.path is not where the files land ' +
    'in the container, Grafana starts with no dashboards and says nothing.',
  run(ctx) {
    if (ctx.dashboards.length === 0) return [];
    const file = DASHBOARD_PROVIDER_FILE;
    const expected = uploadedDashboardsDir();
    const abs = path.join(ctx.filesDir, file);
    if (!fs.existsSync(abs)) return [{ file, subject: 'dashboard provider', message: 'missing: Grafana would load no dashboard' }];
    const doc = yaml.load(fs.readFileSync(abs, 'utf8')) as { providers?: Array<{ type?: string; options?: { path?: string } }> } | null;
    const paths = (doc?.providers ?? []).filter((p) => p.type === 'file').map((p) => p.options?.path);
    if (paths.includes(expected)) return [];
    const message = `no file provider reads ${expected}, where ${DASHBOARDS_DIR}/ is uploaded (providers read: ${paths.join(', ') || 'none'})`;
    return [{ file, subject: 'dashboard provider', message }];
  },
};
