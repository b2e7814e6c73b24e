/**
 * A production-like example: the same application on a dedicated host. Ports stay on 127.0.0.1 behind a reverse
 * proxy (TLS, authentication) that publishes Grafana as https://monitoring.example.com; longer retention, bigger
 * memory limits, and notifications by e-mail, Slack and an incident webhook (all credentials in Pulumi secrets).
 */
import { defineStack } from '../src/schema';
import { SEED_LOG_SOURCES } from '../promtail/sources';

export default defineStack({
  name: 'prod',
  environment: 'prod',
  // Only the reverse proxy on this host reaches the UIs; nothing listens on public interfaces.
  bindAddress: '127.0.0.1',
  components: {
    prometheus: { memoryLimit: '4g' },
    // Behind the reverse proxy: links in notifications and Grafana's own links use the public address.
    grafana: { memoryLimit: '1g', externalUrl: 'https://monitoring.example.com/' },
    loki: { memoryLimit: '2g' },
    jaeger: { storage: 'badger', retention: '336h', memoryLimit: '2g' },
  },
  prometheus: {
    scrapeInterval: '15s',
    evaluationInterval: '15s',
    retentionTime: '90d',
    retentionSize: '100GB',
    externalLabels: { region: 'eu-central' },
  },
  scrapeTargets: [
    {
      job: 'backend',
      targets: ['host.docker.internal:8000'],
      labels: { service: 'backend', team: 'chat' },
      ruleSets: ['http', 'ai', 'database', 'cache', 'websocket', 'system'],
    },
    { job: 'redis', targets: ['host.docker.internal:9121'], ruleSets: ['redis'], dropMetrics: ['go_.*'] },
    { job: 'postgres', targets: ['host.docker.internal:9187'], ruleSets: ['postgres'], dropMetrics: ['go_.*'] },
  ],
  alerts: {
    // runbook_url of every alert (check: alerts/runbook-url); {alert} is the alert name.
    runbookUrlPattern: 'https://runbooks.example.com/alerts/{alert}',
    overrides: {
      // Production pages on a sustained 1% of 5xx only after 10 minutes.
      HttpServerErrorRatioHigh: { for: '10m' },
      TargetDown: { for: '3m', labels: { team: 'platform' } },
    },
  },
  alertmanager: {
    route: {
      receiver: 'team-slack',
      groupBy: ['alertname', 'service', 'severity'],
      repeatInterval: '4h',
      routes: [
        { matchers: ['alertname="Watchdog"'], receiver: 'deadman', repeatInterval: '5m' },
        { matchers: ['severity="critical"'], receiver: 'oncall', repeatInterval: '1h', continue: true },
        { matchers: ['severity="critical"'], receiver: 'incidents' },
        { matchers: ['severity="warning"'], receiver: 'team-slack' },
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
      // The incident tool's URL carries a token: a secret reference.
      { name: 'incidents', webhook: [{ url: { secret: 'incidentWebhookUrl' }, maxAlerts: 20 }] },
      { name: 'team-slack', slack: [{ apiUrl: { secret: 'slackWebhookUrl' }, channel: '#alerts' }] },
      // A dead man's switch service receives the Watchdog; a plain URL, since it carries no credential.
      { name: 'deadman', webhook: [{ url: 'https://deadman.example.com/ping/monitoring-prod' }] },
    ],
    inhibitRules: [
      { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname', 'service'] },
    ],
  },
  logs: {
    retention: '720h',
    sources: SEED_LOG_SOURCES,
    dockerDiscovery: true,
  },
  grafana: {
    adminUser: 'admin',
    adminPassword: { secret: 'grafanaAdminPassword' },
  },
  // Reasoned exclusions of named checks (npm run check -- --explain <id>).
  checks: {
    exclude: [
      { check: 'alerts/summary-static', reason: 'The seed\'s summaries name the service ({{ $labels.service }}) so a notification title says which service is affected; kept on purpose.' },
    ],
  },
});
