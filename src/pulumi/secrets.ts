/**
 * Secrets come only from Pulumi secret config (`npm run secrets -- --stack <s> set <name>`), named by the stack
 * config's `{ secret: "<name>" }` references. They stay secret Outputs all the way into the container upload that
 * writes them to a file; no other resource input ever holds them.
 */
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { Stack } from '../schema';
import { alertmanagerSecrets } from '../render/alertmanager';
import { exporterSecrets } from '../exporters';
import { remoteWriteSecrets } from '../render/remote-write';
import { lokiStorageSecrets } from '../render/kubernetes/loki-storage';

/** Every secret config key the stack needs, with why, for error messages and docs. */
export function requiredSecrets(stack: Stack): string[] {
  const alertmanager = stack.components.alertmanager.enabled ? alertmanagerSecrets(stack) : [];
  return [...new Set([...alertmanager, ...exporterSecrets(stack), ...remoteWriteSecrets(stack), ...lokiStorageSecrets(stack)])].sort();
}

/**
 * A stand-in value for a missing secret in a graph computed under mocks (synth's resources.json): shaped like the
 * real one where the program reads its parts (a PostgreSQL DSN), so the graph shows the files it becomes.
 */
export function placeholderSecret(stack: Stack, name: string): string {
  const pg = stack.components.postgresExporter;
  return pg.enabled && pg.dsn.secret === name ? `postgresql://placeholder:placeholder-${name}@placeholder:5432/placeholder` : `placeholder-${name}`;
}

/** The command that sets one secret of a stack, against the project's backend, the value read from stdin. */
export const setSecretCommand = (stack: string, name: string) => `npm run secrets -- --stack ${stack} set ${name}`;

/** The lines that tell how to set the given secrets. */
export function setSecretsHelp(stack: string, names: string[]): string {
  return [
    ...names.map((n) => `  ${setSecretCommand(stack, n)}    (the value on stdin, or typed when asked)`),
    `  list what the stack needs and what is set: npm run secrets -- --stack ${stack}`,
  ].join('\n');
}

/**
 * Reads the required secrets. `up` fails once, listing every missing key and the command that sets it; a preview
 * (dry run) warns instead and previews a missing one as an unknown secret value, so a fresh backend in CI can
 * show the whole plan without real secrets.
 */
export function readSecrets(stack: Stack, config = new pulumi.Config()): Record<string, pulumi.Output<string>> {
  const names = requiredSecrets(stack);
  const missing = names.filter((n) => config.getSecret(n) === undefined);
  if (missing.length > 0) {
    const which = `the stack "${stack.name}" needs ${missing.length === 1 ? 'this secret' : 'these secrets'} in Pulumi config`;
    if (!pulumi.runtime.isDryRun()) throw new pulumi.RunError(`${which}:\n${setSecretsHelp(stack.name, missing)}`);
    void pulumi.log.warn(`${which} (previewed as unknown values; \`up\` stops without them):\n${setSecretsHelp(stack.name, missing)}`);
  }
  warnIfPlaintext(stack.name, names.filter((n) => !missing.includes(n)), config);
  return Object.fromEntries(names.map((n) => [n, missing.includes(n) ? unknownSecret() : config.requireSecret(n)]));
}

/** A value known only at `up`: pulumi.unknown makes the Output unknown (isKnown false), shown as a secret output. */
export function unknownSecret(): pulumi.Output<string> {
  return pulumi.secret(pulumi.output(pulumi.unknown as unknown as string));
}

/** A value set without --secret sits in plain text in Pulumi.<stack>.yaml: say so (it is still used as a secret). */
function warnIfPlaintext(stackName: string, names: string[], config: pulumi.Config): void {
  // The engine passes the secret keys; the SDK's check for them is not public API, hence the guard.
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (!isConfigSecret) return;
  for (const n of names) {
    if (!isConfigSecret(`${config.name}:${n}`)) {
      void pulumi.log.warn(`config "${n}" is stored in plain text; set it again as a secret with: ${setSecretCommand(stackName, n)}`);
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
