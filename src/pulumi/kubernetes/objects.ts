/**
 * The objects we own (src/render/kubernetes: PrometheusRules, ScrapeConfigs, dashboard ConfigMaps, the Alertmanager
 * config Secret, ...) as Pulumi resources, the same objects synth writes under manifests/. Core kinds become their
 * typed resources; the Operator's kinds CustomResources, created after the chart release that installs their CRDs.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import type { KubeObject } from '../../render/kubernetes/objects';

export function kubeResource(object: KubeObject, deps: pulumi.Resource[], parent: pulumi.Resource): pulumi.CustomResource {
  const name = `${object.kind.toLowerCase()}-${object.metadata.name}`;
  const opts = { parent, dependsOn: deps };
  const { apiVersion, kind, metadata, ...rest } = object;
  if (apiVersion === 'v1' && kind === 'ConfigMap') return new k8s.core.v1.ConfigMap(name, { metadata, ...(rest as object) }, opts);
  if (apiVersion === 'v1' && kind === 'Secret') return new k8s.core.v1.Secret(name, { metadata, ...(rest as object) }, opts);
  if (apiVersion === 'v1' && kind === 'Service') return new k8s.core.v1.Service(name, { metadata, ...(rest as object) }, opts);
  // A volume's data outlives the stack, as the Docker volumes do.
  if (apiVersion === 'v1' && kind === 'PersistentVolumeClaim') return new k8s.core.v1.PersistentVolumeClaim(name, { metadata, ...(rest as object) }, { ...opts, retainOnDelete: true });
  if (apiVersion === 'apps/v1' && kind === 'Deployment') return new k8s.apps.v1.Deployment(name, { metadata, ...(rest as Omit<k8s.apps.v1.DeploymentArgs, 'metadata'>) }, opts);
  return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata, ...rest }, opts);
}
