/** The manifests synth wrote for a kubernetes stack, read back for the kubernetes checks. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../../render/kubernetes/objects';

export interface ManifestFile {
  /** Path relative to the synth output folder, e.g. `manifests/prometheusrule-dev-http.yaml`. */
  file: string;
  abs: string;
  object: KubeObject;
}

/** `<out>/manifests/` beside `<out>/files/`. */
export const manifestsDirOf = (filesDir: string) => path.join(path.dirname(filesDir), 'manifests');

export function readManifests(dir: string): ManifestFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `manifests/${f}`, abs: path.join(dir, f), object: yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) as KubeObject }));
}

/** `PrometheusRule "dev-http" (manifests/prometheusrule-dev-http.yaml)` */
export const objectLabel = (m: ManifestFile) => `${m.object?.kind} "${m.object?.metadata?.name}" (${m.file})`;
