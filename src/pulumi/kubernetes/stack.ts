/**
 * KubernetesMonitoringStack: a stack with a kubernetes target as one Pulumi ComponentResource. The namespace, the
 * Secrets from Pulumi secrets, one Helm release per chart (kube-prometheus-stack and whatever else the stack lists),
 * then every object synth writes under manifests/. Rendering is synth's (src/render/kubernetes), so the manifests a
 * reviewer reads are what gets applied.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import type { Stack } from '../../schema';
import { renderStack } from '../../render';
import { kubernetesObjects } from '../../render/kubernetes';
import { kubernetesCharts } from '../../render/kubernetes/charts';
import { kubernetesTarget, ownLabels } from '../../render/kubernetes/objects';
import { grafanaAdminPassword, readSecrets } from '../secrets';
import { chartRelease } from './releases';
import { kubeResource } from './objects';
import { grafanaAdminSecret, stackSecrets } from './secrets';

export const KUBERNETES_STACK_TYPE = 'monitoring-stack:index:KubernetesMonitoringStack';

export interface KubernetesMonitoringStackArgs {
  stack: Stack;
  config?: pulumi.Config;
}

export class KubernetesMonitoringStack extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly release: string;
  readonly grafanaAdminUser: string;
  /** Secret. */
  readonly grafanaAdminPassword: pulumi.Output<string>;
  /** How to reach Grafana from a workstation. */
  readonly grafanaPortForward: string;
  readonly releases: k8s.helm.v3.Release[];

  constructor(name: string, args: KubernetesMonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super(KUBERNETES_STACK_TYPE, name, {}, opts);
    const { stack } = args;
    const config = args.config ?? new pulumi.Config();
    const target = kubernetesTarget(stack);
    // Fail before creating anything when a secret is missing (a preview shows unknown values instead).
    const values = readSecrets(stack, config);

    // The namespace is kept on destroy: it may hold volumes and objects others put there.
    const namespace = new k8s.core.v1.Namespace('namespace', { metadata: { name: target.namespace, labels: ownLabels(stack) } }, { parent: this, retainOnDelete: true });
    this.grafanaAdminPassword = grafanaAdminPassword(stack, this, config).password;
    const secrets = [...stackSecrets(stack, values, [namespace], this), grafanaAdminSecret(stack, this.grafanaAdminPassword, [namespace], this)];
    this.releases = kubernetesCharts(stack).map((chart) => chartRelease(chart, [namespace, ...secrets], this));
    for (const object of kubernetesObjects(stack, renderStack(stack))) kubeResource(object, [namespace, ...this.releases], this);

    this.namespace = target.namespace;
    this.release = target.release;
    this.grafanaAdminUser = stack.grafana.adminUser;
    this.grafanaPortForward = `kubectl -n ${target.namespace} port-forward svc/${target.release}-grafana 3000:80`;
    this.registerOutputs({ namespace: this.namespace, release: this.release });
  }
}
