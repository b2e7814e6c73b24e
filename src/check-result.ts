/** The result of one line of `npm run check`, shared by src/check.ts and the checks it runs (no import cycle). */
import type { Stack } from './schema';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Tool output or explanation, shown on failure (and for notes on success). */
  detail?: string;
  /** Lines shown even when the check passes (warning-severity findings, exclusions applied). */
  notes?: string[];
}

/** Further checks over the synth output (e.g. dashboards, the named checks) plug in here. */
export type ExtraCheck = (stack: Stack, filesDir: string, source?: string) => CheckResult[] | Promise<CheckResult[]>;
