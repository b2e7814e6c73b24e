import type { Check, Finding } from '../types';
import { dashboardDocs, dashboardSubject } from './scope';
import { multiSelectProblems, queriedTypes, readsOnlyRecordedSeries } from './template-variables';

export const jobVariable: Check = {
  id: 'dashboards/job-variable',
  description: 'a dashboard with Prometheus queries offers a multi-select "job" variable with "All"',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Every series carries the job that scraped it; a "job" variable lets a reader narrow every panel to one ' +
    'service. (grafana/dashboard-linter lint/rule_template_job.go.) Unlike dashboard-linter, the variable here is a ' +
    'custom variable whose options are the jobs the stack config scrapes, not a label_values() query: the checks ' +
    'can then judge `job=~"$job"` against exactly those jobs, and the list never shows a job the stack no longer has.',
  run(ctx) {
    const types = queriedTypes(ctx);
    const out: Finding[] = [];
    for (const doc of dashboardDocs(ctx)) {
      if (!types.get(doc.file)?.has('prometheus') || readsOnlyRecordedSeries(ctx, doc.file)) continue;
      const problems = multiSelectProblems(doc, 'job', 'the scrape jobs its panels show');
      out.push(...problems.map((message) => ({ file: doc.file, subject: dashboardSubject(doc), message })));
    }
    return out;
  },
};
