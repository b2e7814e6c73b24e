/** rules/absent-for: an absent() alert waits at least two scrape intervals before it fires. */
import type { Check, Finding } from '../types';
import { formatDuration } from '../../duration';
import { alertRules, durationMs, exprTree, finding, functionName, nodes, scrapeInterval, selectorJobs, selectorOf } from './lib';

export const absentFor: Check = {
  id: 'rules/absent-for',
  description: 'absent() alerts have a `for` of at least two scrape intervals',
  severity: 'error',
  target: 'rules',
  explain:
    'absent(x) turns true as soon as the series is missing at one evaluation: after one failed or slow scrape, at a ' +
    'target restart, while a rule group starts. An alert on it with a `for` shorter than two scrape intervals of the ' +
    'jobs its selector can match pages on a single missed scrape. The intervals come from the stack ' +
    '(scrapeTargets[].interval, else prometheus.scrapeInterval). Fix: a `for` of at least twice the interval.',
  run(ctx) {
    const out: Finding[] = [];
    for (const r of alertRules(ctx)) {
      const top = exprTree(r.rule.expr);
      if (!top) continue;
      const wait = r.rule.for ? durationMs(r.rule.for) : 0;
      for (const call of nodes(top).filter((n) => n.name === 'FunctionCall' && functionName(r.rule.expr, n) === 'absent')) {
        const sel = nodes(call).find((n) => n.name === 'VectorSelector');
        if (!sel) continue;
        for (const job of selectorJobs(ctx.stack, selectorOf(r.rule.expr, sel))) {
          const interval = scrapeInterval(ctx.stack, job);
          if (wait >= 2 * interval.ms) continue;
          out.push(finding(r, `absent() alert with for ${r.rule.for ?? '0s'}, less than two scrapes of job "${job}" (scraped every ${interval.text}); expected for: ${formatDuration(2 * interval.ms)} or more`));
        }
      }
    }
    return out;
  },
};
