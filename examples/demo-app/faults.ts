/** Fault injection state and the validation of `POST /faults` bodies. */
import { DEPENDENCIES, Dependency } from './metrics';

export interface Faults {
  /** Share of HTTP requests (and WebSocket connection attempts) that fail with 5xx, 0..1. */
  errorRate: number;
  /** Added to every HTTP request's duration, milliseconds. */
  latencyMs: number;
  /** Dependencies that are unreachable. */
  dependencyDown: Dependency[];
}

export const NO_FAULTS: Faults = Object.freeze({ errorRate: 0, latencyMs: 0, dependencyDown: [] as Dependency[] }) as Faults;

export const MAX_LATENCY_MS = 600_000;

/** Merges a request body into the current faults; throws an Error with a readable message on bad input. */
export function applyFaults(current: Faults, body: unknown): Faults {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('expected a JSON object');
  const next: Faults = { ...current, dependencyDown: [...current.dependencyDown] };
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    switch (key) {
      case 'errorRate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error('errorRate: expected a number from 0 to 1');
        next.errorRate = value;
        break;
      case 'latencyMs':
        if (typeof value !== 'number' || !(value >= 0 && value <= MAX_LATENCY_MS))
          throw new Error(`latencyMs: expected a number of milliseconds from 0 to ${MAX_LATENCY_MS}`);
        next.latencyMs = value;
        break;
      case 'dependencyDown': {
        const list = value === null ? [] : Array.isArray(value) ? value : [value];
        for (const dep of list) {
          if (!DEPENDENCIES.includes(dep as Dependency))
            throw new Error(`dependencyDown: expected one or more of ${DEPENDENCIES.join(', ')}, got ${JSON.stringify(dep)}`);
        }
        next.dependencyDown = [...new Set(list as Dependency[])].sort();
        break;
      }
      default:
        throw new Error(`unknown field "${key}"; expected errorRate, latencyMs or dependencyDown`);
    }
  }
  return next;
}
