import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import type { Check, Finding } from '../types';
import { parsePromQL } from '../../promql';
import { dashboardQueries } from './scope';
import { BUILTIN_SAMPLES, substituteVariables, variableSamples } from './variables';

/** $__rate_interval becomes this unusual duration, so a range written otherwise can be told apart after parsing. */
const MARK = '7919s';
const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase']);

export const rateInterval: Check = {
  id: 'dashboards/rate-interval',
  description: 'rate, irate and increase in panel queries range over $__rate_interval',
  severity: 'error',
  target: 'dashboards',
  explain:
    "Grafana's $__rate_interval is max($__interval + scrape interval, 4 × scrape interval): always long enough " +
    'for two samples, and wider when the graph is zoomed out. A fixed range ([1m]) gives gaps when it is shorter ' +
    'than two scrapes and hides spikes at wide zoom. (grafana/dashboard-linter lint/rule_target_rate_interval.go, ' +
    'extended to increase.)',
  run(ctx) {
    const out: Finding[] = [];
    for (const q of dashboardQueries(ctx).queries) {
      if (q.ds?.type !== 'prometheus') continue;
      const concrete = substituteVariables(q.expr, variableSamples(q.doc.json), { ...BUILTIN_SAMPLES, __rate_interval: MARK });
      if (parsePromQL(concrete).errors.length) continue; // dashboards/query-parses
      for (const call of fixedRanges(concrete)) {
        out.push({ file: q.doc.file, subject: q.subject, message: `${call} ranges over a fixed duration; expected [$__rate_interval]` });
      }
    }
    return out;
  },
};

/** `rate(x[5m])` calls (as written) whose range is not the marked $__rate_interval. */
function fixedRanges(expr: string): string[] {
  const found: string[] = [];
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.name !== 'FunctionCall') return undefined;
      const name = ref.node.getChild('FunctionIdentifier');
      const range = ref.node.getChild('FunctionCallBody')?.getChild('MatrixSelector')?.getChild('DurationExpr');
      if (name && range && RATE_FUNCTIONS.has(text(name)) && text(range) !== MARK) found.push(`${text(name)}(…[${text(range)}])`);
      return undefined;
    },
  });
  return found;
}
