/**
 * The dev stack's alerts, routes, receivers and dashboards on a Kubernetes cluster with kube-prometheus-stack
 * (Prometheus Operator). The backend and the Redis/PostgreSQL exporters run in the `chat` namespace; Prometheus
 * finds the backend's Services and the PostgreSQL exporter's pods by their labels, and scrapes Redis's exporter by
 * its Service name. `npm run synth -- --stack cluster --out out/cluster` writes the manifests.
 */
import { defineStack } from '../src/schema';
import dev from './dev';
import { SEED_LOG_SOURCES } from '../promtail/sources';

export default defineStack({
  ...dev,
  name: 'cluster',
  environment: 'cluster',
  // The exporters are the cluster's own workloads (not containers of this stack); Jaeger as on dev.
  components: { jaeger: dev.components?.jaeger },
  scrapeTargets: [
    // Found in the cluster: the endpoints of the Services labelled app.kubernetes.io/name=backend (a ServiceMonitor).
    {
      job: 'backend',
      kubernetes: { namespace: 'chat', selector: { 'app.kubernetes.io/name': 'backend' }, port: 'http' },
      interval: '15s',
      labels: { service: 'backend', team: 'chat' },
      ruleSets: ['http', 'ai', 'database', 'cache', 'websocket', 'system'],
    },
    // A static address (a ScrapeConfig): also how to scrape anything outside the cluster.
    { job: 'redis', targets: ['redis-exporter.chat.svc:9121'], ruleSets: ['redis'], dropMetrics: ['go_.*'] },
    // The exporter's pods (a PodMonitor): a metrics port on the container, no Service needed.
    {
      job: 'postgres',
      kubernetes: { discover: 'pod', namespace: 'chat', selector: { 'app.kubernetes.io/name': 'postgres-exporter' }, port: 'metrics' },
      ruleSets: ['postgres'],
      dropMetrics: ['go_.*'],
    },
  ],
  // The backend's health endpoint by its Service name, probed by the blackbox exporter in the monitoring namespace.
  probes: [{ name: 'backend-health', url: 'http://backend.chat.svc:8000/health', labels: { service: 'backend', team: 'chat' } }],
  // The same log sources, read from the pods of each app in `chat` (labelled app.kubernetes.io/name=<app>) by Alloy.
  logs: {
    ...dev.logs,
    sources: SEED_LOG_SOURCES.map((s) => ({ ...s, kubernetes: { namespace: 'chat', selector: { 'app.kubernetes.io/name': s.job.replace(/_logs$/, '') } } })),
  },
  target: {
    kind: 'kubernetes',
    namespace: 'monitoring',
    release: 'monitoring',
    replicas: { prometheus: 2, alertmanager: 3 },
    retention: '30d',
  },
});
