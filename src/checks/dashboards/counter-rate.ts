import type { Check, Finding } from '../types';
import { dashboardQueries, usageOf } from './scope';
import { seriesDefinitions } from './series';

const COUNTER_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'resets']);

export const counterRate: Check = {
  id: 'dashboards/counter-rate',
  description: 'counters (and histogram _bucket/_sum/_count series) are read through rate, irate or increase',
  severity: 'error',
  target: 'dashboards',
  explain:
    'A counter only grows and resets when its process restarts: its raw value, or a sum of raw values, is a line ' +
    'that climbs and drops at every restart. Panels show how fast it grows: rate(), irate() or increase(). A ' +
    "metric is a counter when its family in metrics/families.ts says so (not by its name), so a gauge ending in " +
    '_total passes. (grafana/dashboard-linter lint/rule_target_counter_agg.go.)',
  run(ctx) {
    const out: Finding[] = [];
    const defs = seriesDefinitions(ctx.stack);
    for (const q of dashboardQueries(ctx).queries) {
      if (q.ds?.type !== 'prometheus') continue;
      const usage = usageOf(q);
      for (const sel of usage?.selectors ?? []) {
        if (!defs.get(sel.metric)?.some((d) => d.type === 'counter') || COUNTER_FUNCTIONS.has(sel.fn ?? '')) continue;
        const how = sel.fn ? `directly under ${sel.fn}()` : 'as a raw value';
        out.push({ file: q.doc.file, subject: q.subject, message: `counter ${sel.metric} is read ${how}; expected rate(${sel.metric}[$__rate_interval]) or increase(…)` });
      }
    }
    return out;
  },
};
