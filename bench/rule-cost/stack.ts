/**
 * The rule-cost benchmark's stack: the dev stack (stacks/dev.ts) with its one app service replaced by `services`
 * app services, each exporting every application metric family of the seeds (http, ai, database, cache, websocket,
 * system), plus dev's Redis and PostgreSQL exporters. Deterministic: the same count gives the same config.
 */
import type { RuleSetName, StackInput } from '../../src/schema';

/** The application families of the seed backend (stacks/dev.ts), each service exports all of them. */
export const APP_FAMILIES: RuleSetName[] = ['http', 'ai', 'database', 'cache', 'websocket', 'system'];

export const serviceName = (i: number) => `svc${String(i).padStart(3, '0')}`;

export function ruleCostStack(dev: StackInput, services: number): StackInput {
  const apps = Array.from({ length: services }, (_, i) => ({
    job: serviceName(i),
    targets: [`10.0.${Math.floor(i / 200)}.${(i % 200) + 10}:8000`],
    labels: { service: serviceName(i) },
    ruleSets: APP_FAMILIES,
  }));
  const exporters = (dev.scrapeTargets ?? []).filter((t) => !t.ruleSets?.some((r) => (APP_FAMILIES as string[]).includes(r)));
  // Catalog alerts only: the hand-written baseline has no counterpart for a stack's custom alerts, SLOs or probes
  // (and dev's SLOs select its `backend` job, which this stack replaces).
  return { ...dev, name: `rulecost${services}`, scrapeTargets: [...apps, ...exporters], alerts: { ...dev.alerts, custom: [] }, slos: [], probes: [] };
}
