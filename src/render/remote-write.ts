/**
 * Prometheus remote write (`prometheus.remoteWrite`) on Docker: one `remote_write` entry per target in
 * prometheus.yml, credentials read from 0400 files Pulumi uploads from Pulumi secrets (`password_file`,
 * `authorization.credentials_file`; Prometheus docs, configuration.md <remote_write>, the same in 2.42 and 3.x). Pure.
 */
import type { RemoteWriteConfig, Stack } from '../schema';
import { RUNTIME } from '../containers';

export const PROMETHEUS_SECRETS_DIR = `${RUNTIME.prometheus.configDir}/secrets`;
export const prometheusSecretFile = (name: string) => `${PROMETHEUS_SECRETS_DIR}/${name}`;

/** The secret names the stack's remote-write targets read. */
export function remoteWriteSecrets(stack: Stack): string[] {
  const names = stack.prometheus.remoteWrite.flatMap((r) => [r.basicAuth?.password.secret, r.bearerToken?.secret]);
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}

export function remoteWriteConfig(stack: Stack): object[] {
  return stack.prometheus.remoteWrite.map((r: RemoteWriteConfig) => ({
    name: r.name,
    url: r.url,
    ...(r.basicAuth ? { basic_auth: { username: r.basicAuth.username, password_file: prometheusSecretFile(r.basicAuth.password.secret) } } : {}),
    ...(r.bearerToken ? { authorization: { type: 'Bearer', credentials_file: prometheusSecretFile(r.bearerToken.secret) } } : {}),
  }));
}
