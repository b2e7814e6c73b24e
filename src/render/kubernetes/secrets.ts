/**
 * The Kubernetes Secrets a kubernetes stack needs, by the stack secret names (`{ secret: "<name>" }` references)
 * each one holds. Only names here: the Pulumi program creates each Secret from Pulumi secrets, so no value is
 * ever in a manifest. Pure.
 */
import type { Stack } from '../../schema';
import { alertmanagerSecrets } from '../alertmanager';
import { alertmanagerSecretsName } from './alertmanager';
import { remoteWriteSecretSpec } from './remote-write';
import { lokiStorageSecretSpec } from './loki-storage';

export interface KubeSecretSpec {
  /** The Secret's name in the target namespace. */
  name: string;
  /** Stack secret names; each becomes one key of the Secret, named like the secret. */
  keys: string[];
  /** Keys whose values are config, not secrets (a username the Operator reads from a Secret). */
  plain?: Record<string, string>;
}

export function kubernetesSecrets(stack: Stack): KubeSecretSpec[] {
  if (stack.target.kind !== 'kubernetes') return [];
  return [{ name: alertmanagerSecretsName(stack), keys: alertmanagerSecrets(stack) }, ...remoteWriteSecretSpec(stack), ...lokiStorageSecretSpec(stack)];
}
