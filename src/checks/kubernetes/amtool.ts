/**
 * `amtool check-config` on the `alertmanager.yaml` key of the Alertmanager config Secret, as the operator will load it.
 * Its `*_file` paths point under /etc/alertmanager/secrets/, which do not exist here: as on Docker, amtool
 * check-config validates the config without reading them (only templates are loaded), so they stay as written. The
 * `templates` path (/etc/alertmanager/config/...) is pointed at a local copy of the Secret's template key, so the
 * templates are checked too. An amtool older than 0.26 gets the url_file placeholder copy the Docker check uses.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import * as yaml from 'js-yaml';
import type { CheckResult } from '../../check-result';
import { ALERTMANAGER_CONFIG_KEY } from '../../render/kubernetes/alertmanager';
import { toYaml } from '../../yaml';
import { ManifestFile, objectLabel } from './manifests';

type StringData = Record<string, string>;

/** The Secret(s) holding an Alertmanager config: those with an `alertmanager.yaml` key. */
export async function amtoolConfigCheck(manifests: ManifestFile[], amtool: string | undefined): Promise<CheckResult[]> {
  const secrets = manifests.filter((m) => m.object.kind === 'Secret' && stringData(m)[ALERTMANAGER_CONFIG_KEY] !== undefined);
  return Promise.all(secrets.map((m) => checkOne(m, amtool)));
}

const stringData = (m: ManifestFile): StringData => ((m.object.stringData as StringData | undefined) ?? {});

async function checkOne(m: ManifestFile, amtool: string | undefined): Promise<CheckResult> {
  const name = `amtool check-config on ${objectLabel(m)} stringData.${ALERTMANAGER_CONFIG_KEY}`;
  if (!amtool) return { name, ok: false, detail: 'amtool not found (see `amtool available`)' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-k8s-am-'));
  try {
    const file = writeLocalCopy(dir, stringData(m), await amtoolVersion(amtool));
    const { ok, output } = await exec(amtool, ['check-config', file]);
    return { name, ok, detail: ok ? undefined : output.split(dir + path.sep).join('').trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every other key of the Secret as a file beside the config; `templates` pointed at those files. */
function writeLocalCopy(dir: string, data: StringData, version: [number, number] | undefined): string {
  for (const [key, text] of Object.entries(data)) if (key !== ALERTMANAGER_CONFIG_KEY) fs.writeFileSync(path.join(dir, key), text);
  const config = (yaml.load(data[ALERTMANAGER_CONFIG_KEY]) ?? {}) as Record<string, unknown>;
  if (Array.isArray(config.templates)) config.templates = config.templates.map((t) => path.join(dir, path.posix.basename(String(t))));
  // Loaded when run: src/check.ts lists the kubernetes checks, so a static import would be a cycle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { amtoolCompatibleText } = require('../../check') as typeof import('../../check');
  const file = path.join(dir, ALERTMANAGER_CONFIG_KEY);
  fs.writeFileSync(file, amtoolCompatibleText(toYaml(config), version));
  return file;
}

async function amtoolVersion(amtool: string): Promise<[number, number] | undefined> {
  const v = /version (\d+)\.(\d+)/.exec((await exec(amtool, ['--version'])).output);
  return v ? [Number(v[1]), Number(v[2])] : undefined;
}

function exec(tool: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(tool, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: !err, output: `${stdout}${stderr}` }));
  });
}
