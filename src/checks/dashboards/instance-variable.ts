import type { Check, Finding } from '../types';
import { dashboardDocs, dashboardSubject } from './scope';
import { multiSelectProblems, queriedTypes, readsOnlyRecordedSeries } from './template-variables';

export const instanceVariable: Check = {
  id: 'dashboards/instance-variable',
  description: 'a dashboard with Prometheus queries offers a multi-select "instance" variable with "All"',
  severity: 'error',
  target: 'dashboards',
  explain:
    'A job with several targets (replicas) is judged per target when one misbehaves; an "instance" variable narrows ' +
    'the panels to it. (grafana/dashboard-linter lint/rule_template_instance.go.) The instances are not in the ' +
    'config once a target is discovered or relabelled, so the variable is a label_values(up{job=~"$job"}, instance) ' +
    'query on the Prometheus datasource variable, following the job variable.',
  run(ctx) {
    const types = queriedTypes(ctx);
    const out: Finding[] = [];
    for (const doc of dashboardDocs(ctx)) {
      if (!types.get(doc.file)?.has('prometheus') || readsOnlyRecordedSeries(ctx, doc.file)) continue;
      const problems = multiSelectProblems(doc, 'instance', 'the targets of the selected jobs');
      out.push(...problems.map((message) => ({ file: doc.file, subject: dashboardSubject(doc), message })));
    }
    return out;
  },
};
