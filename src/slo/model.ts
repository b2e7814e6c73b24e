/**
 * The behaviour scenarios of an SLO and what its rules must do under them. A scenario is a sequence of segments
 * of steady burn (a multiple of the error budget; 1 = the budget lasts exactly the period), written for a 30-day
 * period and scaled to the SLO's like its windows. The model computes each window's error ratio from the very
 * samples the test feeds promtool (between the first and last sample in the window, as rate() does with counters
 * that extrapolate alike), and keeps only the evaluation times whose outcome does not depend on the window's
 * boundary convention (Prometheus 2 includes the sample at t - w, 3 excludes it) or on float rounding.
 */
import { BurnPair, BurnSeverity, REFERENCE_PERIOD } from './windows';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Segment {
  /** Reference duration (ms at a 30-day period). */
  duration: number;
  /** Burn rate; `Infinity` is a full outage (every event fails). */
  burn: number;
}

export interface ScenarioDef {
  title: string;
  segments: Segment[];
  /** Reference times the scenario makes a statement about (always checked, besides a grid over its length). */
  claims: number[];
  /** Spans days: coarser samples and evaluations keep promtool fast (see DAYS_TIMING). */
  days?: boolean;
}

/**
 * Sample step (reference minutes) and evaluation interval (in steps): a 5-minute window holds 5 (hours) or 3
 * (days) samples; promtool's time goes with the number of evaluations, hence 10 minutes and an hour between them (every
 * claim time is a multiple).
 */
export const HOURS_TIMING = { stepMinutes: 1, evalSteps: 10 };
export const DAYS_TIMING = { stepMinutes: 2, evalSteps: 30 };

/** Events per step of the total counter: enough that a 0.5x burn of a 99.99 % objective still counts events. */
export const EVENTS_PER_STEP = 1000;
/** Counters start here, not at 0: rate() then extrapolates every counter of a window alike. */
export const COUNTER_START = 1000;
/** Relative float error the outcome must withstand. */
const FLOAT_MARGIN = 0.01;

/** The scenarios, for the page factors of the SLO's pairs (the just-above/just-below burns). */
export function scenarios(pagePairs: Array<Pick<BurnPair, 'factor' | 'long'>>, scale: number): ScenarioDef[] {
  const clean = 6 * HOUR;
  const out: ScenarioDef[] = [
    { title: 'a full outage after 2 clean hours pages within 10 minutes and clears after recovery', segments: [{ duration: 2 * HOUR, burn: 0 }, { duration: HOUR, burn: Infinity }, { duration: 7 * HOUR, burn: 0 }], claims: [2 * HOUR + 10 * MINUTE, 10 * HOUR] },
    { title: 'a steady 10x burn pages within 3 hours', segments: [{ duration: 4 * HOUR, burn: 10 }], claims: [3 * HOUR] },
    { title: 'a steady 2.5x burn opens a ticket within a day and never pages', segments: [{ duration: 30 * HOUR, burn: 2.5 }], claims: [24 * HOUR], days: true },
    { title: 'a steady 0.5x burn is silent for 4 days', segments: [{ duration: 96 * HOUR, burn: 0.5 }], claims: [96 * HOUR], days: true },
  ];
  for (const p of pagePairs) {
    const long = p.long / scale; // back to the reference period
    const burst = 1.5 * long; // the long window is all burst for its last third
    for (const [word, k] of [['above', 1.1], ['below', 0.9]] as const) {
      const burn = Number((p.factor * k).toPrecision(6));
      out.push({ title: `${burn}x (just ${word} the ${p.factor}x page factor of the ${long / HOUR}h window) after 6 clean hours`, segments: [{ duration: clean, burn: 0 }, { duration: burst, burn }], claims: [clean + burst] });
    }
  }
  return out;
}

export interface Timeline {
  step: number;
  /** Per step i (the events between samples i-1 and i), bad events; index 0 unused. */
  bad: number[];
  /** Cumulative bad and total events at each sample. */
  cumBad: number[];
  cumTotal: number[];
}

/** Sample-by-sample events of a scenario scaled to the period, for an SLO whose budget is `budget`. */
export function timeline(def: ScenarioDef, budget: number, step: number, scale: number): Timeline {
  const bad = [0];
  for (const seg of def.segments) {
    const perStep = Number((EVENTS_PER_STEP * Math.min(1, seg.burn * budget)).toPrecision(6));
    for (let i = 0; i < Math.round((seg.duration * scale) / step); i++) bad.push(perStep);
  }
  const cumBad = [COUNTER_START];
  const cumTotal = [COUNTER_START];
  for (let i = 1; i < bad.length; i++) {
    cumBad.push(cumBad[i - 1] + bad[i]);
    cumTotal.push(cumTotal[i - 1] + EVENTS_PER_STEP);
  }
  return { step, bad, cumBad, cumTotal };
}

/** The window's error ratio at sample k under one boundary convention, or undefined when rate() has no result. */
function ratioAt(tl: Timeline, k: number, window: number, inclusive: boolean): number | undefined {
  const from = k * tl.step - window;
  const first = Math.max(0, inclusive ? Math.ceil(from / tl.step) : Math.floor(from / tl.step) + 1);
  const last = Math.min(k, tl.cumBad.length - 1);
  if (last - first < 1) return undefined;
  return (tl.cumBad[last] - tl.cumBad[first]) / (tl.cumTotal[last] - tl.cumTotal[first]);
}

/** Whether the alert of `pairs` fires at sample k, or undefined when that is not certain. */
export function firesAt(tl: Timeline, k: number, pairs: BurnPair[], budget: number): boolean | undefined {
  const outcomes = new Set<boolean>();
  for (const inclusive of [true, false]) {
    for (const wiggle of [1 - FLOAT_MARGIN, 1 + FLOAT_MARGIN]) {
      const above = (w: number, f: number) => {
        const r = ratioAt(tl, k, w, inclusive);
        return r !== undefined && (r * wiggle) / budget > f;
      };
      outcomes.add(pairs.some((p) => above(p.long, p.factor) && above(p.short, p.factor)));
    }
  }
  return outcomes.size === 1 ? [...outcomes][0] : undefined;
}

/**
 * Sample indexes to check, each a multiple of `evalSteps` (promtool evaluates there): a grid of about 48 over the
 * scenario, each claim, and the first evaluations after each change of outcome.
 */
export function checkSteps(def: ScenarioDef, tl: Timeline, scale: number, evalSteps: number, decide: (k: number) => boolean | undefined): number[] {
  const last = Math.floor((tl.bad.length - 1) / evalSteps) * evalSteps;
  const snap = (k: number) => Math.min(last, Math.ceil(k / evalSteps) * evalSteps);
  const out = new Set<number>();
  const every = snap(Math.max(1, Math.round(last / 48)));
  for (let k = every; k <= last; k += every) out.add(k);
  for (const c of def.claims) out.add(snap(Math.round((c * scale) / tl.step)));
  let before = decide(0);
  for (let k = evalSteps; k <= last; k += evalSteps) {
    const now = decide(k);
    if (now !== undefined && before !== undefined && now !== before) for (const d of [0, 1, 3]) out.add(Math.min(last, k + d * evalSteps));
    if (now !== undefined) before = now;
  }
  return [...out].filter((k) => k >= 1 && decide(k) !== undefined).sort((a, b) => a - b);
}

export type { BurnSeverity };
export const scaleOf = (period: number) => period / REFERENCE_PERIOD;
