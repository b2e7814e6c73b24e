import type { Check, Finding } from '../types';
import { concreteQuery, provenanceProblems } from './queries';
import { dashboardQueries, provided } from './scope';
import { variableSamples } from './variables';
import { parsePromQL } from '../../promql';

export const metricProvenance: Check = {
  id: 'dashboards/metric-provenance',
  description: 'every metric a PromQL query reads is provided by a configured scrape target, and by a job it selects',
  severity: 'error',
  target: 'dashboards',
  explain:
    'A panel over a metric nothing exports stays empty ("No data") and looks like a quiet system. The stack knows ' +
    "what each job provides: the metric families in its targets' ruleSets (under the names its mapping gives them) " +
    "and the components' own metrics. A custom `job` variable stands for all its options.",
  run(ctx) {
    const out: Finding[] = [];
    for (const q of dashboardQueries(ctx).queries) {
      if (q.ds?.type !== 'prometheus') continue;
      const concrete = concreteQuery(q.expr, variableSamples(q.doc.json));
      if (parsePromQL(concrete).errors.length) continue; // dashboards/query-parses
      for (const message of provenanceProblems(concrete, provided(ctx), ctx.stack)) out.push({ file: q.doc.file, subject: q.subject, message });
    }
    return out;
  },
};
