/**
 * Typed building blocks for alerts. Each returns an alert spec for `alerts.custom` in a stack config, e.g.
 *
 *   alerts: { custom: [errorRatio({ name: 'CheckoutErrors', jobs: ['shop'], metric: 'http_requests_total',
 *                                   errors: { matchers: 'status=~"5.."', sample: { status: '500' } },
 *                                   sample: { status: '200' }, threshold: 0.02, severity: 'critical' })] }
 *
 * Every alert gets a generated promtool rule test; the `sample` labels tell the generator what a matching
 * series looks like. Every kind with a threshold also takes `thresholds: { warning, critical }` instead (one rule
 * per severity under the same name, ordered for the operator: for `>` warning below critical).
 */
import type { AlertSpecInput } from '../src/schema';

type Of<K extends AlertSpecInput['kind']> = Omit<Extract<AlertSpecInput, { kind: K }>, 'kind'>;
type Common = Omit<Of<'ratio'>, 'numerator' | 'denominator' | 'window' | 'threshold' | 'op'>;

/**
 * Share of a counter's events that are errors, e.g. 5xx responses among all requests. `matchers` narrow both sides
 * (e.g. `endpoint="/api/login"`: failed logins among logins, not among all requests); `errors.matchers` pick the
 * errors among them.
 */
export function errorRatio(
  opts: Common & {
    metric: string;
    /** Which events count at all: applied to the errors and to the total. */
    matchers?: string;
    errors: { matchers: string; sample: Record<string, string> };
    /** Labels of a non-error series of the same metric. */
    sample: Record<string, string>;
    /** One severity; or `thresholds: { warning, critical }` for one rule per severity. */
    threshold?: number;
    window?: string;
  },
): AlertSpecInput {
  const { metric, matchers, errors, sample, threshold, window, ...common } = opts;
  return {
    kind: 'ratio',
    ...common,
    numerator: { metric, matchers: matchers ? `${matchers},${errors.matchers}` : errors.matchers, sample: errors.sample },
    denominator: { metrics: [metric], ...(matchers ? { matchers } : {}), sample },
    ...(threshold !== undefined ? { threshold } : {}),
    ...(window ? { window } : {}),
  };
}

/** Ratio of two counters (bad events over all events) above a threshold. */
export const ratio = (opts: Of<'ratio'>): AlertSpecInput => ({ kind: 'ratio', ...opts });

/** A histogram quantile (seconds) above a threshold, e.g. p95 latency. */
export const latencyQuantile = (opts: Of<'latency'>): AlertSpecInput => ({ kind: 'latency', ...opts });

/** A gauge compared with a threshold, e.g. CPU usage percent > 80. */
export const gaugeThreshold = (opts: Of<'gauge'>): AlertSpecInput => ({ kind: 'gauge', ...opts });

/** A counter that increased by more than a threshold within a window, e.g. failures > 0. */
export const counterIncrease = (opts: Of<'increase'>): AlertSpecInput => ({ kind: 'increase', ...opts });

/** A scrape target (`up`) or an exporter's dependency gauge (e.g. `redis_up`) at 0. */
export const targetDown = (opts: Of<'down'>): AlertSpecInput => ({ kind: 'down', ...opts });

/** Raw PromQL, the escape hatch; it must bring its own test input. */
export const rawAlert = (opts: Of<'raw'>): AlertSpecInput => ({ kind: 'raw', ...opts });
