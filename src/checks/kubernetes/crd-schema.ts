/**
 * Every monitoring.coreos.com object against the CRDs of the PINNED kube-prometheus-stack chart
 * (`target.chartVersions.kubePrometheusStack`), from schema/crds/kube-prometheus-stack-<version>.json
 * (scripts/pinned-crds.mjs). The kubernetes-models packages (schema.ts) describe a newer operator: a field or enum
 * value only it knows passes there, but the cluster's API server rejects it, or drops an unknown field silently
 * (CRD schemas set no additionalProperties; structural pruning removes what `properties` does not name).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { CheckResult } from '../../check-result';
import { fieldPath } from './field-path';
import type { ManifestFile } from './manifests';

export const CRD_DIR = path.join(__dirname, '..', '..', '..', 'schema', 'crds');
export const crdFileOf = (chartVersion: string) => path.join(CRD_DIR, `kube-prometheus-stack-${chartVersion}.json`);
const GROUP = 'monitoring.coreos.com/';

export interface PinnedCrds {
  $comment: string;
  chartVersion: string;
  tag: string;
  operatorVersion: string;
  /** openAPIV3Schema by `<apiVersion>/<kind>`, e.g. `monitoring.coreos.com/v1/ServiceMonitor`. */
  schemas: Record<string, Schema>;
}

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export function loadPinnedCrds(chartVersion: string): PinnedCrds | undefined {
  const file = crdFileOf(chartVersion);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PinnedCrds) : undefined;
}

export function crdSchemaCheck(chartVersion: string, manifests: ManifestFile[]): CheckResult {
  const owned = manifests.filter((m) => m.object?.apiVersion?.startsWith(GROUP));
  const crds = loadPinnedCrds(chartVersion);
  if (!crds) {
    const have = fs.existsSync(CRD_DIR) ? fs.readdirSync(CRD_DIR).map((f) => f.replace(/^kube-prometheus-stack-|\.json$/g, '')) : [];
    return {
      name: `monitoring.coreos.com objects match the CRDs of kube-prometheus-stack ${chartVersion}`,
      ok: false,
      detail:
        `no CRD schema for chart version ${chartVersion}: ${path.relative(path.join(CRD_DIR, '..', '..'), crdFileOf(chartVersion))} is missing ` +
        `(have: ${have.join(', ') || 'none'}); run \`node scripts/pinned-crds.mjs <helm-charts git dir> ${chartVersion}\``,
    };
  }
  const problems = owned.flatMap((m) => objectProblems(crds, m));
  return {
    name: `monitoring.coreos.com objects match the CRDs of kube-prometheus-stack ${chartVersion} (operator v${crds.operatorVersion}, ${owned.length} objects)`,
    ok: problems.length === 0,
    detail: problems.join('\n') || undefined,
  };
}

function objectProblems(crds: PinnedCrds, m: ManifestFile): string[] {
  const { apiVersion, kind, metadata } = m.object;
  const where = `${m.file}: ${kind} "${metadata?.name}"`;
  const key = `${apiVersion}/${kind}`;
  const schema = crds.schemas[key];
  if (!schema) return [`${where}: apiVersion: ${crds.tag} has no CRD schema for ${key}`];
  let validate: ValidateFunction;
  try {
    validate = validatorOf(crds, key);
  } catch (err) {
    return [`${where}: could not compile the ${crds.tag} schema of ${key}: ${(err as Error).message}`];
  }
  const invalid = validate(m.object) ? [] : messages(validate.errors ?? []);
  const unknown = unknownFields(m.object, schema, '', true).map(
    (p) => `${p}: unknown field (the v${crds.operatorVersion} CRD has no such field; the API server would drop it)`,
  );
  return [...invalid, ...unknown].map((p) => `${where}: ${p}`);
}

const validators = new Map<string, ValidateFunction>();
function validatorOf(crds: PinnedCrds, key: string): ValidateFunction {
  const id = `${crds.tag}/${key}`;
  if (!validators.has(id)) {
    // Structural OpenAPI v3: x-kubernetes-* keywords are not JSON Schema; `strict: false` lets them through.
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false, code: { regExp: goRegExp } });
    addFormats(ajv, ['int32', 'int64']);
    validators.set(id, ajv.compile(crds.schemas[key]));
  }
  return validators.get(id)!;
}

/**
 * CRD patterns are Go RE2, which the API server runs: a leading `(?i)` (the ScrapeConfig CRD's
 * `^(?i)(abort|warn)?$`) is an inline flag JavaScript lacks, so it becomes the `i` flag.
 */
function goPattern(pattern: string, flags: string): RegExp {
  const inline = /^(\^?)\(\?i\)/.exec(pattern);
  return inline ? new RegExp(`${inline[1]}${pattern.slice(inline[0].length)}`, `${flags}i`) : new RegExp(pattern, flags);
}
// `code` only matters for standalone code generation, which this check does not use.
const goRegExp = Object.assign(goPattern, { code: 'new RegExp' });

/** `spec.endpoints[0].scheme: must be equal to one of the allowed values (http, https)`, one line per field. */
function messages(errors: ErrorObject[]): string[] {
  // An int-or-string field's anyOf fails once per branch: report the anyOf alone, naming the branch types.
  const anyOf = errors.filter((e) => e.keyword === 'anyOf');
  const branchOf = (e: ErrorObject) => anyOf.find((a) => e !== a && e.instancePath === a.instancePath && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const lines = errors
    .filter((e) => !branchOf(e))
    .map((e) => {
      const branches = errors.filter((b) => branchOf(b) === e && b.keyword === 'type').map((b) => b.params.type);
      const message = e.keyword === 'anyOf' && branches.length ? `must be ${branches.join(' or ')}` : e.message;
      const allowed = e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : '';
      return `${fieldPath(e.instancePath) || '(object)'}: ${message}${allowed}`;
    });
  return [...new Set(lines)];
}

/**
 * The fields structural pruning would drop: any key its schema's `properties` (or `additionalProperties` schema) does
 * not name, unless the schema keeps unknown fields. The root's metadata is ObjectMeta, validated by the API server.
 */
export function unknownFields(value: unknown, schema: Schema, at: string, root = false): string[] {
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => unknownFields(v, schema.items!, `${at}[${i}]`)) : [];
  if (!value || typeof value !== 'object') return [];
  const keeps = schema['x-kubernetes-preserve-unknown-fields'] === true;
  return Object.entries(value).flatMap(([key, v]) => {
    const field = at ? `${at}.${key}` : key;
    if (root && key === 'metadata') return [];
    const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub) return unknownFields(v, sub, field);
    return keeps ? [] : [field];
  });
}
