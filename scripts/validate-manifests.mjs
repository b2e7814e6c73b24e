// Validates Kubernetes manifests (YAML files, one object each) against the schemas the kubernetes-models and
// @kubernetes-models/prometheus-operator packages carry. Those packages are ES modules only, so the check
// (src/checks/kubernetes/schema.ts) runs this in a child process: argv = files; stdout = JSON, one entry per file:
// { file, kind, name, errors: [{ path, message }] }.
import * as fs from 'node:fs';
import yaml from 'js-yaml';

const MODULES = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'monitoring.coreos.com/v1alpha1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1',
};

/** "/spec/groups/0/rules/2/for" → "spec.groups[0].rules[2].for" */
const fieldPath = (pointer) =>
  pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^[0-9]+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

async function validateFile(file) {
  const object = yaml.load(fs.readFileSync(file, 'utf8'));
  const kind = object?.kind ?? '?';
  const name = object?.metadata?.name ?? '?';
  const where = MODULES[object?.apiVersion];
  const Model = where ? (await import(where))[kind] : undefined;
  if (!Model) return { file, kind, name, errors: [{ path: 'apiVersion', message: `no schema for ${object?.apiVersion} ${kind}` }] };
  try {
    new Model(object).validate();
    return { file, kind, name, errors: [] };
  } catch (err) {
    const errors = (err.errors ?? [{ instancePath: '', message: err.message }]).map((e) => ({
      path: fieldPath(e.instancePath ?? ''),
      message: `${e.message}${e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''}`,
    }));
    const seen = new Set();
    return { file, kind, name, errors: errors.filter((e) => !seen.has(`${e.path}\0${e.message}`) && seen.add(`${e.path}\0${e.message}`)) };
  }
}

const results = await Promise.all(process.argv.slice(2).map(validateFile));
process.stdout.write(JSON.stringify(results));
