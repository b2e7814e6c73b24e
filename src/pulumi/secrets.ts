/**
 * Secrets come only from Pulumi secret config (`pulumi config set --secret <name> <value>`), named by the stack
 * config's `{ secret: "<name>" }` references. They stay secret Outputs all the way into the container upload that
 * writes them to a file; no other resource input ever holds them.
 */
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { Stack } from '../schema';
import { alertmanagerSecrets } from '../render/alertmanager';

/** Every secret config key the stack needs, with why, for error messages and docs. */
export function requiredSecrets(stack: Stack): string[] {
  return stack.components.alertmanager.enabled ? alertmanagerSecrets(stack) : [];
}

/** Reads the required secrets; fails once, listing every missing key and the command that sets it. */
export function readSecrets(stack: Stack, config = new pulumi.Config()): Record<string, pulumi.Output<string>> {
  const names = requiredSecrets(stack);
  const missing = names.filter((n) => config.getSecret(n) === undefined);
  if (missing.length > 0) {
    throw new pulumi.RunError(
      `the stack "${stack.name}" needs ${missing.length === 1 ? 'this secret' : 'these secrets'} in Pulumi config:\n` +
        missing.map((n) => `  pulumi config set --secret ${n} <value>`).join('\n'),
    );
  }
  warnIfPlaintext(names, config);
  return Object.fromEntries(names.map((n) => [n, config.requireSecret(n)]));
}

/** A value set without --secret sits in plain text in Pulumi.<stack>.yaml: say so (it is still used as a secret). */
function warnIfPlaintext(names: string[], config: pulumi.Config): void {
  // The engine passes the secret keys; the SDK's check for them is not public API, hence the guard.
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (!isConfigSecret) return;
  for (const n of names) {
    if (!isConfigSecret(`${config.name}:${n}`)) {
      void pulumi.log.warn(`config "${n}" is stored in plain text; set it again with: pulumi config set --secret ${n} <value>`);
    }
  }
}

/**
 * The Grafana admin password: the secret config key named by `grafana.adminPassword`, else a generated one
 * (kept in the Pulumi state, exported as a secret output).
 */
export function grafanaAdminPassword(
  stack: Stack,
  parent: pulumi.Resource,
  config = new pulumi.Config(),
): { password: pulumi.Output<string>; generated: boolean } {
  const configured = config.getSecret(stack.grafana.adminPassword.secret);
  if (configured) return { password: configured, generated: false };
  const generated = new random.RandomPassword('grafana-admin-password', { length: 24, special: false }, { parent });
  return { password: pulumi.secret(generated.result), generated: true };
}
