/** `promtool check rules` on the spec.groups of every PrometheusRule, as Prometheus will load them. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import type { CheckResult } from '../../check-result';
import { toYaml } from '../../yaml';
import { ManifestFile, objectLabel } from './manifests';

export async function promtoolRulesCheck(manifests: ManifestFile[], promtool: string | undefined): Promise<CheckResult[]> {
  const rules = manifests.filter((m) => m.object.kind === 'PrometheusRule');
  if (rules.length === 0) return [];
  const name = `promtool check rules on PrometheusRule spec.groups (${rules.length} objects)`;
  if (!promtool) return [{ name, ok: false, detail: 'promtool not found (see `promtool available`)' }];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-k8s-rules-'));
  try {
    const results = await Promise.all(rules.map((m, i) => checkOne(promtool, dir, m, i)));
    const failed = results.filter((r) => r !== undefined);
    return [{ name, ok: failed.length === 0, detail: failed.join('\n') || undefined }];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkOne(promtool: string, dir: string, m: ManifestFile, i: number): Promise<string | undefined> {
  const file = path.join(dir, `${i}.yml`);
  fs.writeFileSync(file, toYaml({ groups: (m.object.spec as { groups?: unknown })?.groups }));
  return new Promise((resolve) => {
    execFile(promtool, ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve(err ? `${objectLabel(m)}: spec.groups: ${`${stdout}${stderr}`.split(file).join('spec.groups').trim()}` : undefined),
    );
  });
}
