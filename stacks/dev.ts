/**
 * The development stack from the seed documents: a FastAPI chat backend on :8000 with the HTTP, AI, database,
 * cache, WebSocket and system metrics, Redis and PostgreSQL exporters, e-mail and Slack notifications.
 * Everything is published on 127.0.0.1 only.
 */
import { defineStack } from '../src/schema';
import { SEED_LOG_SOURCES } from '../promtail/sources';

export default defineStack({
  name: 'dev',
  environment: 'dev',
  bindAddress: '127.0.0.1',
  components: {
    // The seed apps trace with opentelemetry-exporter-jaeger (seed 001) and a Jaeger agent on 6831 (seed 003).
    jaeger: { receivers: { jaeger: { enabled: true }, zipkin: { enabled: true } } },
    // redis_up and pg_up for RedisDown/PostgresDown (seed 000): the exporters watch Redis and PostgreSQL on the host.
    redisExporter: { enabled: true, address: 'redis://host.docker.internal:6379', password: { secret: 'redisPassword' } },
    postgresExporter: { enabled: true, dsn: { secret: 'postgresDsn' } },
  },
  prometheus: {
    scrapeInterval: '15s',
    evaluationInterval: '15s',
    retentionTime: '15d',
    retentionSize: '10GB',
  },
  scrapeTargets: [
    {
      // The backend runs on the Docker host; Prometheus reaches it through the host gateway.
      job: 'backend',
      targets: ['host.docker.internal:8000'],
      metricsPath: '/metrics',
      interval: '15s',
      labels: { service: 'backend', team: 'chat' },
      ruleSets: ['http', 'ai', 'database', 'cache', 'websocket', 'system', 'users'],
    },
    // The exporters above, on the stack network (their host ports 9121/9187 are published on 127.0.0.1 as well).
    { job: 'redis', targets: ['redis-exporter:9121'], ruleSets: ['redis'], dropMetrics: ['go_.*'] },
    { job: 'postgres', targets: ['postgres-exporter:9187'], ruleSets: ['postgres'], dropMetrics: ['go_.*'] },
  ],
  probes: [
    // The backend's health endpoint (seeds 003/004 `/health`), where Prometheus scrapes its metrics.
    { name: 'backend-health', url: 'http://host.docker.internal:8000/health', labels: { service: 'backend', team: 'chat' } },
  ],
  alerts: {
    overrides: {},
  },
  alertmanager: {
    route: {
      receiver: 'team-slack',
      groupBy: ['alertname', 'service', 'severity'],
      routes: [
        // The Watchdog is always firing; wire `deadman` to a dead man's switch to learn when alerting breaks.
        { matchers: ['alertname="Watchdog"'], receiver: 'deadman', repeatInterval: '5m' },
        { matchers: ['severity="critical"'], receiver: 'oncall', repeatInterval: '1h' },
        { matchers: ['severity="warning"'], receiver: 'team-slack' },
        // Informational alerts (seed 000 "Informacyjne"): a channel of their own, at most once a day per group.
        { matchers: ['severity="info"'], receiver: 'team-digest', groupInterval: '1h', repeatInterval: '24h' },
      ],
    },
    receivers: [
      {
        name: 'oncall',
        email: [
          {
            to: 'oncall@example.com',
            from: 'alertmanager@example.com',
            smarthost: 'smtp.example.com:587',
            authUsername: 'alertmanager@example.com',
            authPassword: { secret: 'smtpPassword' },
          },
        ],
        slack: [{ apiUrl: { secret: 'slackWebhookUrl' }, channel: '#alerts-critical' }],
      },
      { name: 'team-slack', slack: [{ apiUrl: { secret: 'slackWebhookUrl' }, channel: '#alerts' }] },
      { name: 'team-digest', slack: [{ apiUrl: { secret: 'slackWebhookUrl' }, channel: '#alerts-info' }] },
      { name: 'deadman' },
    ],
    inhibitRules: [
      // A critical alert silences the warning of the same alert on the same service (e.g. p95 > 5 s over > 2 s).
      { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname', 'service'] },
    ],
  },
  slos: [
    // 99.9 % of the backend's HTTP requests answer without a 5xx, over 30 days.
    {
      name: 'backend-availability',
      description: 'Backend requests that do not fail with 5xx',
      service: 'backend',
      target: 0.999,
      window: '30d',
      indicator: { errors: 'http_requests_total{job="backend",status=~"5.."}', total: 'http_requests_total{job="backend"}' },
    },
    // 99 % of the backend's HTTP requests answer within 1 s, over 30 days.
    {
      name: 'backend-latency',
      description: 'Backend requests answered within 1 s',
      service: 'backend',
      target: 0.99,
      window: '30d',
      indicator: { latency: { histogram: 'http_request_duration_seconds', matchers: 'job="backend"', threshold: 1 } },
    },
  ],
  logs: {
    retention: '168h',
    // backend_logs, frontend_logs, redis_logs, postgres_logs, ollama_logs (seed JSON format for backend/frontend).
    sources: SEED_LOG_SOURCES,
  },
  // Reasoned exclusions of named checks (npm run check -- --explain <id>).
  checks: {
    exclude: [
      { check: 'alerts/summary-static', reason: 'The seed\'s summaries name the service ({{ $labels.service }}) so a notification title says which service is affected; kept on purpose.' },
      { check: 'alerts/runbook-url', reason: 'The dev stack has no runbooks; prod and staging set alerts.runbookUrlPattern.' },
    ],
  },
});
