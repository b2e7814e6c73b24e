/**
 * The seed 000 user metrics (family `users`): registrations, logins, conversions and retention, simulated once per
 * tick at rates that follow the synthetic traffic, so the Users dashboard and the informational alerts have data.
 */
import type { DemoMetrics } from './metrics';
import type { JsonLogs } from './logs';

/** Retention periods the app reports (share of a cohort active again after the period). */
export const RETENTION_PERIODS = { '1d': 0.45, '7d': 0.25, '30d': 0.12 } as const;

/** One tick of user activity at `rps` synthetic requests per second over `tickMs`. */
export function simulateUsers(metrics: DemoMetrics, logs: JsonLogs, rps: number, tickMs: number): void {
  const { counter, gauge } = metrics;
  const expected = (perRequest: number) => rps * (tickMs / 1000) * perRequest;
  const events = (perRequest: number) => Math.floor(expected(perRequest) + Math.random());
  const registrations = events(0.01);
  if (registrations > 0) {
    counter('users', 'user_registrations_total').inc(registrations);
    logs.log('INFO', 'users', 'New user registered', { count: registrations });
  }
  const logins = events(0.05);
  const failed = Math.round(logins * 0.05 * Math.random());
  counter('users', 'user_logins_total').labels({ status: 'success' }).inc(logins - failed);
  counter('users', 'user_logins_total').labels({ status: 'failure' }).inc(failed);
  const conversions = events(0.002);
  counter('users', 'user_conversions_total').labels({ source: 'trial' }).inc(conversions);
  for (const [period, base] of Object.entries(RETENTION_PERIODS)) {
    gauge('users', 'user_retention_ratio').labels({ period }).set(base + (Math.random() - 0.5) * 0.02);
  }
}
