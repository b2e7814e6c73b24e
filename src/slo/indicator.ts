/**
 * An SLO's indicator as two counter selectors: `total`, and `part`, which counts either the failed events
 * (`errors`) or the good ones (`good`; a latency indicator's good events are its `le` bucket). Selectors are parsed
 * with the Prometheus grammar (src/promql.ts), so the renderer and the test generator read the same matchers.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SloConfig } from '../schema';
import { parsePromQL, selector, Selector } from '../promql';

export interface CounterSel {
  metric: string;
  matchers: Selector['matchers'];
  /** The selector as PromQL. */
  text: string;
}

export interface Indicator {
  part: 'errors' | 'good';
  partSel: CounterSel;
  total: CounterSel;
}

/** Why a selector is not a plain vector selector of a named metric, or undefined when it is one. */
export function selectorProblem(text: string): string | undefined {
  const parsed = parsePromQL(text);
  if (parsed.errors.length) return `not valid PromQL: ${parsed.errors[0]}`;
  const top = parser.parse(text).topNode.firstChild;
  if (top?.name !== 'VectorSelector' || top.to < text.trimEnd().length) return 'expected a series selector such as http_requests_total{job="backend"} (no function, range or offset)';
  if (!parsed.selectors[0]?.metric) return 'expected a selector that names its metric';
  return undefined;
}

function counterSel(text: string): CounterSel {
  const sel = parsePromQL(text).selectors[0];
  return { metric: sel.metric!, matchers: sel.matchers, text: text.trim() };
}

/** The `le` value of a bucket bound as Prometheus 3 writes it (integers get ".0"), or both spellings for 2.x. */
export function leMatcher(threshold: number): { label: string; op: string; value: string } {
  const text = String(threshold);
  return Number.isInteger(threshold) ? { label: 'le', op: '=~', value: `${text}|${text}\\.0` } : { label: 'le', op: '=', value: text };
}

const matcherText = (m: { label: string; op: string; value: string }) => `${m.label}${m.op}${JSON.stringify(m.value)}`;

/** The indicator of a validated SLO. */
export function sloIndicator(slo: SloConfig): Indicator {
  const ind = slo.indicator;
  if ('latency' in ind) {
    const { histogram, matchers, threshold } = ind.latency;
    const le = leMatcher(threshold);
    const bucket = counterSel(selector(`${histogram}_bucket`, matchers, matcherText(le)));
    return { part: 'good', partSel: bucket, total: counterSel(selector(`${histogram}_count`, matchers)) };
  }
  const part = ind.errors !== undefined ? 'errors' : 'good';
  return { part, partSel: counterSel((ind.errors ?? ind.good)!), total: counterSel(ind.total) };
}
