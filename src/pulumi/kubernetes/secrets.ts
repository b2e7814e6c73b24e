/**
 * Kubernetes Secrets from Pulumi secrets: the names come from the pure renderer (src/render/kubernetes/secrets.ts,
 * workloads.ts), the values only from Pulumi config secrets (read as on Docker: src/pulumi/secrets.ts), so a value
 * is never in a manifest, the chart values or a plain resource input: `stringData` is a secret Output.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import type { Stack } from '../../schema';
import { kubernetesSecrets } from '../../render/kubernetes/secrets';
import { GRAFANA_ADMIN_KEYS, grafanaAdminSecretName } from '../../render/kubernetes/workloads';
import { kubernetesTarget, ownLabels } from '../../render/kubernetes/objects';

const metadata = (stack: Stack, name: string) => ({ name, namespace: kubernetesTarget(stack).namespace, labels: ownLabels(stack) });

export function stackSecrets(stack: Stack, values: Record<string, pulumi.Output<string>>, deps: pulumi.Resource[], parent: pulumi.Resource): k8s.core.v1.Secret[] {
  return kubernetesSecrets(stack).map(
    (spec) =>
      new k8s.core.v1.Secret(
        `secret-${spec.name}`,
        { metadata: metadata(stack, spec.name), type: 'Opaque', stringData: pulumi.secret(pulumi.all(Object.fromEntries(spec.keys.map((k) => [k, values[k]])))) },
        { parent, dependsOn: deps },
      ),
  );
}

/** The Secret the grafana chart reads through `admin.existingSecret`. */
export function grafanaAdminSecret(stack: Stack, password: pulumi.Output<string>, deps: pulumi.Resource[], parent: pulumi.Resource): k8s.core.v1.Secret {
  const name = grafanaAdminSecretName(stack);
  const stringData = pulumi.secret(pulumi.all({ [GRAFANA_ADMIN_KEYS.user]: stack.grafana.adminUser, [GRAFANA_ADMIN_KEYS.password]: password }));
  return new k8s.core.v1.Secret(`secret-${name}`, { metadata: metadata(stack, name), type: 'Opaque', stringData }, { parent, dependsOn: deps });
}
