/**
 * A small stack for the alert tests (texts, durations, tiers, templates): one application job with the catalog's
 * application rule sets, a Redis exporter, one webhook receiver and the critical-over-warning inhibit rule. Tests
 * change a deep copy, so their expectations follow from what they set here, not from stacks/*.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackInput, Stack } from '../src/schema';
import { runChecks, CheckResult } from '../src/check';
import { renderStack } from '../src/render';
import { tmpDir, validate } from './helpers';

export function alertStack(): StackInput & { alerts: NonNullable<StackInput['alerts']> } {
  return {
    name: 'alerts',
    environment: 'test',
    components: { grafana: { enabled: false }, loki: { enabled: false }, promtail: { enabled: false }, jaeger: { enabled: false } },
    prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { region: 'eu-1' } },
    scrapeTargets: [
      { job: 'api', targets: ['api:8000'], labels: { service: 'chat-api' }, ruleSets: ['http', 'ai', 'database', 'cache', 'websocket', 'system'] },
      { job: 'redis', targets: ['redis-exporter:9121'], ruleSets: ['redis'] },
    ],
    alerts: { overrides: {}, custom: [] },
    alertmanager: {
      route: { receiver: 'team' },
      receivers: [{ name: 'team', webhook: [{ url: 'http://relay:8080/hook' }] }],
      inhibitRules: [{ sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname', 'service'] }],
    },
  };
}

/** Validates and renders `input` into a temp dir; returns the stack and the `files/` directory. */
export function synthFixture(input: unknown): { stack: Stack; files: string } {
  const stack = validate(input);
  const files = path.join(tmpDir('ms-alerts-'), 'files');
  for (const [rel, content] of Object.entries(renderStack(stack))) {
    fs.mkdirSync(path.dirname(path.join(files, rel)), { recursive: true });
    fs.writeFileSync(path.join(files, rel), content);
  }
  return { stack, files };
}

/** promtool and amtool on the fixture's output; only the Prometheus checks (dashboards are not under test here). */
export async function promChecks(stack: Stack, files: string): Promise<CheckResult[]> {
  return (await runChecks(stack, files)).filter((r) => r.name.startsWith('promtool'));
}

/** Problems of an input, one "<path>: <message>" line each (empty when valid). */
export function problemsOf(input: unknown): string[] {
  try {
    validate(input);
    return [];
  } catch (err) {
    const problems = (err as { problems?: Array<{ path: string; message: string }> }).problems;
    if (!problems) throw err;
    return problems.map((p) => `${p.path}: ${p.message}`);
  }
}
