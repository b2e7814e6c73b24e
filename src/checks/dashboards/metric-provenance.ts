import type { Check, Finding } from '../types';
import { provenanceProblems } from './queries';
import { dashboardQueries, promqlOf, provided } from './scope';

export const metricProvenance: Check = {
  id: 'dashboards/metric-provenance',
  description: 'every metric a PromQL query reads is provided by a configured scrape target, and by a job it selects',
  severity: 'error',
  target: 'dashboards',
  explain:
    'A panel over a metric nothing exports stays empty ("No data") and looks like a quiet system. The stack knows ' +
    "what each job provides: the metric families in its targets' ruleSets (under the names its mapping gives them) " +
    "the components' own metrics, and node-exporter's and cAdvisor's on the jobs that scrape them. A custom `job` " +
    'variable stands for all its options.',
  run(ctx) {
    const out: Finding[] = [];
    for (const q of dashboardQueries(ctx).queries) {
      if (q.ds?.type !== 'prometheus') continue;
      const { parsed } = promqlOf(q);
      if (parsed.errors.length) continue; // dashboards/query-parses
      for (const message of provenanceProblems(parsed.selectors, provided(ctx), ctx.stack)) out.push({ file: q.doc.file, subject: q.subject, message });
    }
    return out;
  },
};
