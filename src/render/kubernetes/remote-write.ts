/**
 * Prometheus remote write on the cluster: `prometheus.prometheusSpec.remoteWrite` (kube-prometheus-stack-67.8.0
 * values.yaml) as the Operator's RemoteWriteSpec (url, name, basicAuth.{username,password} and
 * authorization.{type,credentials} as SecretKeySelectors: @kubernetes-models/prometheus-operator
 * monitoring.coreos.com/v1 RemoteWriteSpec, BasicAuth, SafeAuthorization). The credentials live in one Secret
 * Pulumi creates from Pulumi secrets (and the non-secret usernames, which the Operator reads from a Secret too). Pure.
 */
import type { Stack } from '../../schema';
import { remoteWriteSecrets } from '../remote-write';
import { kubeName } from './objects';
import type { KubeSecretSpec } from './secrets';
import type { Values } from './chart-values';

export const remoteWriteSecretName = (stack: Stack) => kubeName(stack.name, 'prometheus-remote-write');
const usernameKey = (name: string) => `${name}-username`;

export function remoteWriteSecretSpec(stack: Stack): KubeSecretSpec[] {
  if (stack.prometheus.remoteWrite.length === 0) return [];
  const plain = Object.fromEntries(stack.prometheus.remoteWrite.flatMap((r) => (r.basicAuth ? [[usernameKey(r.name), r.basicAuth.username]] : [])));
  return [{ name: remoteWriteSecretName(stack), keys: remoteWriteSecrets(stack), plain }];
}

export function remoteWriteValues(stack: Stack): Values {
  if (stack.prometheus.remoteWrite.length === 0) return {};
  const ref = (key: string) => ({ name: remoteWriteSecretName(stack), key });
  const remoteWrite = stack.prometheus.remoteWrite.map((r) => ({
    name: r.name,
    url: r.url,
    ...(r.basicAuth ? { basicAuth: { username: ref(usernameKey(r.name)), password: ref(r.basicAuth.password.secret) } } : {}),
    ...(r.bearerToken ? { authorization: { type: 'Bearer', credentials: ref(r.bearerToken.secret) } } : {}),
  }));
  return { prometheus: { prometheusSpec: { remoteWrite } } };
}
