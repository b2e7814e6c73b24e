import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Check, Finding } from '../types';
import { renderDashboards } from '../../render/dashboards';

export const byteStable: Check = {
  id: 'dashboards/byte-stable',
  description: 'a fresh render of the dashboards gives exactly the files on disk',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Dashboards are rendered from code with sorted keys, so the same config gives the same bytes. A file that ' +
    'differs from a fresh render was edited by hand (the next synth loses the edit) or the renderer is not ' +
    'deterministic (every preview shows a spurious diff); a file the renderer does not produce is not ours.',
  run(ctx) {
    const fresh = renderDashboards(ctx.stack);
    const out: Finding[] = Object.keys(fresh)
      .filter((k) => k.endsWith('.json'))
      .filter((k) => !fs.existsSync(path.join(ctx.filesDir, k)) || fs.readFileSync(path.join(ctx.filesDir, k), 'utf8') !== fresh[k])
      .map((file) => ({ file, subject: file, message: 'differs from a fresh render' }));
    for (const d of ctx.dashboards) if (!(d.file in fresh)) out.push({ file: d.file, subject: d.file, message: 'not produced by the renderer' });
    return out;
  },
};
