import type { Check, Finding } from '../types';
import { concreteQuery, logJobProblems } from './queries';
import { dashboardQueries } from './scope';
import { variableSamples } from './variables';
import { parseLogQL } from './logql';

export const logJobsShipped: Check = {
  id: 'dashboards/log-jobs-shipped',
  description: 'every log job a LogQL stream selector pins is shipped by a configured log source',
  severity: 'error',
  target: 'dashboards',
  explain:
    'A LogQL panel selecting {job="x"} shows nothing when no log source ships job x (logs.sources). A custom `job` ' +
    'variable stands for all its options. Skipped when Docker discovery ships container logs under their own names.',
  run(ctx) {
    const out: Finding[] = [];
    for (const q of dashboardQueries(ctx).queries) {
      if (q.ds?.type !== 'loki') continue;
      const concrete = concreteQuery(q.expr, variableSamples(q.doc.json));
      if (parseLogQL(concrete).length) continue; // dashboards/query-parses
      for (const message of logJobProblems(concrete, ctx.stack)) out.push({ file: q.doc.file, subject: q.subject, message });
    }
    return out;
  },
};
