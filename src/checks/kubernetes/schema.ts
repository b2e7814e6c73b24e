/**
 * Every manifest against the Kubernetes and Prometheus Operator schemas (kubernetes-models,
 * @kubernetes-models/prometheus-operator). The packages are ES modules only, so scripts/validate-manifests.mjs
 * runs them in a child process; a failure names the object and the field.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { CheckResult } from '../../check-result';
import type { ManifestFile } from './manifests';

const VALIDATOR = path.join(__dirname, '..', '..', '..', 'scripts', 'validate-manifests.mjs');

interface Validation {
  file: string;
  kind: string;
  name: string;
  errors: Array<{ path: string; message: string }>;
}

export async function schemaCheck(manifests: ManifestFile[]): Promise<CheckResult> {
  const name = `kubernetes manifests match the Kubernetes and Prometheus Operator schemas (${manifests.length} objects)`;
  const byAbs = new Map(manifests.map((m) => [m.abs, m.file]));
  let results: Validation[];
  try {
    results = JSON.parse(await runValidator(manifests.map((m) => m.abs)));
  } catch (err) {
    return { name, ok: false, detail: `could not run ${VALIDATOR}: ${(err as Error).message}` };
  }
  const problems = results.flatMap((r) =>
    r.errors.map((e) => `${byAbs.get(r.file) ?? r.file}: ${r.kind} "${r.name}": ${e.path || '(object)'}: ${e.message}`),
  );
  return { name, ok: problems.length === 0, detail: problems.join('\n') || undefined };
}

function runValidator(files: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const cwd = path.dirname(VALIDATOR);
    execFile(process.execPath, [VALIDATOR, ...files], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
