/** The result shape of `npm run check` and its plug-ins; its own module so check.ts and the plug-ins import no cycle. */
import type { Stack } from './schema';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Tool output or explanation, shown on failure (and for notes on success). */
  detail?: string;
}

/** Further checks over the synth output (e.g. dashboards) plug in here. */
export type ExtraCheck = (stack: Stack, filesDir: string) => CheckResult[] | Promise<CheckResult[]>;
