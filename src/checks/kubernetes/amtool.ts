/**
 * `amtool check-config` on the Alertmanager configuration the cluster gets: the `alertmanager.yaml` key of our
 * config Secret (src/render/kubernetes/alertmanager.ts), with its notification templates written beside it, as the
 * operator mounts them under /etc/alertmanager/config/. The `*_file` paths point into the secrets Secret's mount;
 * amtool does not open them (they are read when a notification is sent).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import * as yaml from 'js-yaml';
import type { CheckResult } from '../../check-result';
import { ALERTMANAGER_CONFIG_KEY } from '../../render/kubernetes/alertmanager';
import { amtoolCompatibleText } from '../../amtool-compat';
import { toYaml } from '../../yaml';
import { ManifestFile, objectLabel } from './manifests';

export async function amtoolConfigCheck(manifests: ManifestFile[], amtool: string | undefined): Promise<CheckResult[]> {
  const secret = manifests.find((m) => m.object.kind === 'Secret' && typeof (m.object.stringData as Record<string, unknown>)?.[ALERTMANAGER_CONFIG_KEY] === 'string');
  if (!secret) return [];
  const name = `amtool check-config on ${objectLabel(secret)} stringData.${ALERTMANAGER_CONFIG_KEY}`;
  if (!amtool) return [{ name, ok: false, detail: 'amtool not found (see `amtool available`)' }];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-k8s-am-'));
  try {
    const file = writeConfig(dir, secret.object.stringData as Record<string, string>);
    const version = /version (\d+)\.(\d+)/.exec((await exec(amtool, ['--version'])).output);
    fs.writeFileSync(file, amtoolCompatibleText(fs.readFileSync(file, 'utf8'), version ? [Number(version[1]), Number(version[2])] : undefined));
    const r = await exec(amtool, ['check-config', file]);
    return [{ name, ok: r.ok, detail: r.ok ? undefined : `${objectLabel(secret)}: stringData.${ALERTMANAGER_CONFIG_KEY}: ${r.output.split(file).join(ALERTMANAGER_CONFIG_KEY).trim()}` }];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every key of the Secret as a file in `dir`, the config's `templates` pointed at them. */
function writeConfig(dir: string, data: Record<string, string>): string {
  for (const [key, text] of Object.entries(data)) if (key !== ALERTMANAGER_CONFIG_KEY) fs.writeFileSync(path.join(dir, key), text);
  const config = (yaml.load(data[ALERTMANAGER_CONFIG_KEY]) ?? {}) as Record<string, unknown>;
  if (Array.isArray(config.templates)) config.templates = config.templates.map((t: string) => path.join(dir, path.posix.basename(t)));
  const file = path.join(dir, ALERTMANAGER_CONFIG_KEY);
  fs.writeFileSync(file, toYaml(config));
  return file;
}

function exec(tool: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) =>
    execFile(tool, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: !err, output: `${stdout}${stderr}` })),
  );
}
