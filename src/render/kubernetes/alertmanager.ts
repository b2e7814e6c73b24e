/**
 * The Alertmanager configuration as the Secret the Alertmanager resource reads (`alertmanagerSpec.configSecret`):
 * the Docker renderer's config and notification templates, with no secret value in it. The operator mounts every
 * key of that Secret under /etc/alertmanager/config/ and each Secret listed in `alertmanagerSpec.secrets` under
 * /etc/alertmanager/secrets/<secret>/ (prometheus-operator Documentation/user-guides/alerting.md), so the templates
 * path and the `*_file` paths are moved there; the secret values live in the Secret Pulumi creates from its secrets.
 */
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { Stack } from '../../schema';
import type { RenderedFiles } from '../index';
import { toYaml } from '../../yaml';
import { ALERTMANAGER_SECRETS_DIR } from '../alertmanager';
import { NOTIFICATION_TEMPLATES_FILE } from '../notification-templates';
import { KubeObject, kubeName, objectOf } from './objects';

const CONFIG_DIR = '/etc/alertmanager/config';
export const ALERTMANAGER_CONFIG_KEY = 'alertmanager.yaml';

export const alertmanagerConfigSecretName = (stack: Stack) => kubeName(stack.name, 'alertmanager-config');
/** The Secret (created by Pulumi from Pulumi secrets) whose keys are the stack's secret names. */
export const alertmanagerSecretsName = (stack: Stack) => kubeName(stack.name, 'alertmanager-secrets');

export function alertmanagerConfigSecret(stack: Stack, files: RenderedFiles): KubeObject[] {
  const config = files['alertmanager/alertmanager.yml'];
  if (config === undefined) return [];
  const templates = path.posix.basename(NOTIFICATION_TEMPLATES_FILE);
  const moved = moveSecretFiles(yaml.load(config), `${ALERTMANAGER_SECRETS_DIR}/${alertmanagerSecretsName(stack)}`) as Record<string, unknown>;
  moved.templates = [`${CONFIG_DIR}/${templates}`];
  const stringData = { [ALERTMANAGER_CONFIG_KEY]: toYaml(moved), [templates]: files[`alertmanager/${NOTIFICATION_TEMPLATES_FILE}`] };
  return [objectOf(stack, 'v1', 'Secret', alertmanagerConfigSecretName(stack), { type: 'Opaque', stringData })];
}

/** Every `*_file` path under the Docker secrets dir, moved to where the operator mounts the secrets Secret. */
function moveSecretFiles(value: unknown, dir: string): unknown {
  if (Array.isArray(value)) return value.map((v) => moveSecretFiles(v, dir));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k.endsWith('_file') && typeof v === 'string' ? v.replace(`${ALERTMANAGER_SECRETS_DIR}/`, `${dir}/`) : moveSecretFiles(v, dir),
    ]),
  );
}
