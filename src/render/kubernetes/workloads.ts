/**
 * kube-prometheus-stack values for the workloads themselves: requests and limits, non-root security contexts,
 * persistent volumes, and the Grafana admin credentials from a Secret Pulumi creates (never the chart's default
 * `adminPassword: prom-operator`). Keys at kube-prometheus-stack-67.8.0 (charts/kube-prometheus-stack/values.yaml):
 * prometheus.prometheusSpec.{resources,securityContext,storageSpec.volumeClaimTemplate},
 * alertmanager.alertmanagerSpec.{resources,securityContext,storage.volumeClaimTemplate},
 * prometheusOperator.{resources,securityContext,containerSecurityContext,prometheusConfigReloader.resources,
 * admissionWebhooks.patch.{resources,securityContext}}, grafana.adminPassword; subcharts: grafana 8.8.x
 * (grafana/helm-charts charts/grafana/values.yaml: admin.{existingSecret,userKey,passwordKey}, resources,
 * securityContext), kube-state-metrics and prometheus-node-exporter (`resources`). Pure.
 */
import type { KubernetesResourcesConfig, Stack } from '../../schema';
import { kubeName, kubernetesTarget } from './objects';
import type { Values } from './chart-values';

/** The Secret with the Grafana admin user and password; Pulumi creates it from the stack's secret. */
export const grafanaAdminSecretName = (stack: Stack) => kubeName(stack.name, 'grafana-admin');
/** The grafana chart's default keys of `admin.existingSecret`. */
export const GRAFANA_ADMIN_KEYS = { user: 'admin-user', password: 'admin-password' } as const;

/** The chart's own non-root defaults for Prometheus and Alertmanager (values.yaml), set explicitly so they hold. */
const PROMETHEUS_POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } };
/** The grafana image's user (472). */
const GRAFANA_POD_SECURITY = { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 };
const NOBODY = { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

const resources = (r: KubernetesResourcesConfig) => ({ requests: { ...r.requests }, limits: { ...r.limits } });

function claim(storageClass: string | undefined, size: string): Values {
  return { volumeClaimTemplate: { spec: { ...(storageClass ? { storageClassName: storageClass } : {}), accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } } };
}

export function workloadValues(stack: Stack): Values {
  const t = kubernetesTarget(stack);
  const r = t.resources;
  return {
    prometheus: { prometheusSpec: { resources: resources(r.prometheus), securityContext: PROMETHEUS_POD_SECURITY, storageSpec: claim(t.storageClass, t.storage.prometheus) } },
    alertmanager: { alertmanagerSpec: { resources: resources(r.alertmanager), securityContext: PROMETHEUS_POD_SECURITY, storage: claim(t.storageClass, t.storage.alertmanager) } },
    prometheusOperator: {
      resources: resources(r.operator),
      securityContext: NOBODY,
      containerSecurityContext: RESTRICTED_CONTAINER,
      prometheusConfigReloader: { resources: resources(r.configReloader) },
      admissionWebhooks: { patch: { resources: resources(r.configReloader), securityContext: { runAsNonRoot: true, runAsUser: 2000, runAsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } } } },
    },
    grafana: {
      // null removes the chart's default password from the values; the admin Secret below is what Grafana reads.
      adminPassword: null,
      admin: { existingSecret: grafanaAdminSecretName(stack), userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password },
      resources: resources(r.grafana),
      securityContext: GRAFANA_POD_SECURITY,
    },
    'kube-state-metrics': { resources: resources(r.kubeStateMetrics) },
    'prometheus-node-exporter': { resources: resources(r.nodeExporter) },
  };
}
