/** rules/rate-range: a rate()/increase()/irate() range must hold two scrapes of every job its selector can match. */
import type { Check, Finding } from '../types';
import { formatDuration } from '../../duration';
import { durationMs, finding, functionName, scrapeInterval, selectorJobs, selectorOf, textOf, ruleNodes } from './lib';

const RATE_FUNCTIONS = new Set(['rate', 'increase', 'irate']);

export const rateRange: Check = {
  id: 'rules/rate-range',
  description: 'rate/increase/irate ranges hold at least two scrapes of every job they select',
  severity: 'error',
  target: 'rules',
  explain:
    'rate(), increase() and irate() need two samples inside their range. A range shorter than two scrape intervals ' +
    'of a job (rate(x[90s]) on a job scraped every 1m) often holds only one sample, so the result is empty and the ' +
    'alert silently never fires. The check reads each job\'s scrape interval from the stack (scrapeTargets[].interval, ' +
    'else prometheus.scrapeInterval) and, for every range the rules use, the jobs its selector can match (its job ' +
    'matcher, else every job providing the metric). Fix: a range of at least twice the longest interval (4x is safer).',
  run(ctx) {
    const out: Finding[] = [];
    for (const { r, node: call } of ruleNodes(ctx, (_expr, n) => n.name === 'FunctionCall')) {
      const fn = functionName(r.rule.expr, call);
      const matrix = call.getChild('FunctionCallBody')?.getChild('MatrixSelector');
      if (!RATE_FUNCTIONS.has(fn) || !matrix) continue;
      const range = durationMs(textOf(r.rule.expr, matrix.getChild('DurationExpr')));
      const sel = selectorOf(r.rule.expr, matrix.getChild('VectorSelector')!);
      for (const job of selectorJobs(ctx.stack, sel)) {
        const interval = scrapeInterval(ctx.stack, job);
        if (!(range < 2 * interval.ms)) continue;
        out.push(finding(r,
          `${fn}(${textOf(r.rule.expr, matrix)}) covers ${formatDuration(range)}, less than two scrapes of job "${job}" ` +
            `(scraped every ${interval.text}); expected a range of at least ${formatDuration(2 * interval.ms)}`));
      }
    }
    return out;
  },
};
