/**
 * Loki's object storage on the cluster (`target.loki.objectStorage`) as grafana/loki chart values, at
 * helm-loki-6.29.0 (production/helm/loki/values.yaml `loki.storage.{type,bucketNames,s3,gcs}`, rendered into
 * `common.storage` and `ruler.storage` by templates/_helpers.tpl `loki.commonStorageConfig`, `loki.rulerStorageConfig`).
 * No credential is ever a value here:
 *  - S3 keys are `${VAR}` references the chart copies into Loki's config as they are; Loki expands them from its
 *    environment with `-config.expand-env=true` (docs/sources/shared/configuration.md "Use environment variables in
 *    the configuration"), and each variable comes from our Secret (`extraEnv` `valueFrom.secretKeyRef`).
 *  - A GCS service account key is a file from our Secret, named by GOOGLE_APPLICATION_CREDENTIALS, as in the chart's
 *    production/helm/loki/docs/examples/oss/overrides-oss-gcs.yaml (`extraEnv`, `extraVolumes`, `extraVolumeMounts`).
 * The chart takes `extraArgs`, `extraEnv`, `extraVolumes`, `extraVolumeMounts` per role (singleBinary, read, write,
 * backend: templates/single-binary/statefulset.yaml, write/statefulset-write.yaml...). Pure.
 */
import type { LokiObjectStorageConfig, Stack } from '../../schema';
import { kubeName, kubernetesTarget } from './objects';
import type { KubeSecretSpec } from './secrets';
import type { Values } from './chart-values';

export const lokiStorageSecretName = (stack: Stack) => kubeName(stack.name, 'loki-storage');

/** The environment variables Loki's config refers to for the S3 keys. */
export const S3_ENV = { accessKeyId: 'LOKI_S3_ACCESS_KEY_ID', secretAccessKey: 'LOKI_S3_SECRET_ACCESS_KEY' } as const;
/** Where a GCS service account key is mounted (beside the chart's /etc/loki/config and /etc/loki/runtime-config). */
export const GCS_KEY_DIR = '/etc/loki-storage';
export const GCS_KEY_FILE = 'service-account.json';
const VOLUME = 'loki-storage-credentials';

const storageOf = (stack: Stack): LokiObjectStorageConfig => kubernetesTarget(stack).loki.objectStorage;

/** The stack secret names Loki's storage reads (none on Docker, with filesystem storage, or without credentials). */
export function lokiStorageSecrets(stack: Stack): string[] {
  if (stack.target.kind !== 'kubernetes' || !stack.components.loki.enabled) return [];
  const s = storageOf(stack);
  const refs = s.type === 's3' ? [s.accessKeyId, s.secretAccessKey] : s.type === 'gcs' ? [s.serviceAccount] : [];
  return [...new Set(refs.flatMap((r) => (r ? [r.secret] : [])))].sort();
}

export function lokiStorageSecretSpec(stack: Stack): KubeSecretSpec[] {
  const keys = lokiStorageSecrets(stack);
  return keys.length ? [{ name: lokiStorageSecretName(stack), keys }] : [];
}

/**
 * Loki's store name for the schema period and the compactor's delete requests: the storage type itself (Loki 3.4
 * docs/sources/shared/configuration.md period_config `object_store`: "aws (alias s3), azure, gcs, ... filesystem").
 */
export const lokiObjectStore = (stack: Stack): string => storageOf(stack).type;

/** `loki.storage`: the type, the buckets and the client settings the chart reads. */
export function lokiStorageValues(stack: Stack): Values {
  const s = storageOf(stack);
  if (s.type === 'filesystem') return { type: 'filesystem' };
  if (s.type === 'gcs') return { type: 'gcs', bucketNames: { ...s.bucketNames } };
  const env = (key: keyof typeof S3_ENV) => (s[key] ? { [key]: `\${${S3_ENV[key]}}` } : {});
  const s3 = { region: s.region, ...(s.endpoint ? { endpoint: s.endpoint } : {}), s3ForcePathStyle: s.s3ForcePathStyle, insecure: s.insecure };
  return { type: 's3', bucketNames: { ...s.bucketNames }, s3: { ...s3, ...env('accessKeyId'), ...env('secretAccessKey') } };
}

/** What each Loki pod needs to reach the store with its credentials: `extraArgs`, `extraEnv`, volumes. */
export function lokiCredentialValues(stack: Stack): Values {
  const s = storageOf(stack);
  const secret = lokiStorageSecretName(stack);
  const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
  if (s.type === 's3' && (s.accessKeyId || s.secretAccessKey)) {
    const extraEnv = (['accessKeyId', 'secretAccessKey'] as const).flatMap((k) => (s[k] ? [fromSecret(S3_ENV[k], s[k]!.secret)] : []));
    return { extraArgs: ['-config.expand-env=true'], extraEnv };
  }
  if (s.type === 'gcs' && s.serviceAccount) {
    return {
      extraEnv: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_KEY_DIR}/${GCS_KEY_FILE}` }],
      extraVolumes: [{ name: VOLUME, secret: { secretName: secret, defaultMode: 0o440, items: [{ key: s.serviceAccount.secret, path: GCS_KEY_FILE }] } }],
      extraVolumeMounts: [{ name: VOLUME, mountPath: GCS_KEY_DIR, readOnly: true }],
    };
  }
  return {};
}
