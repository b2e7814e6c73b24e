import type { Check, Finding } from '../types';
import { isObj, str, templatingList } from './json';
import { DashboardDoc, dashboardDocs, dashboardQueries, dashboardSubject } from './scope';
import { queriedTypes } from './template-variables';
import { variablesUsed } from './variables';

export const datasourceVariable: Check = {
  id: 'dashboards/datasource-variable',
  description: 'a dashboard has a datasource variable per datasource type it queries, and its queries use it',
  severity: 'error',
  target: 'dashboards',
  explain:
    'A datasource variable lets a reader point the dashboard at another Prometheus or Loki (a second environment, ' +
    'a long-term store) without editing it, and a dashboard exported from one Grafana works in another. Per ' +
    'grafana/dashboard-linter lint/rule_template_datasource.go, the variable is named "datasource" when it is the ' +
    'only one, else "<type>_datasource"; every panel and query of that type refers to it instead of a fixed uid.',
  run(ctx) {
    const types = queriedTypes(ctx);
    const out: Finding[] = [];
    for (const doc of dashboardDocs(ctx)) {
      const problems = [...(types.get(doc.file) ?? [])].sort().flatMap((type) => variableProblems(doc, type));
      out.push(...problems.map((message) => ({ file: doc.file, subject: dashboardSubject(doc), message })));
    }
    for (const q of dashboardQueries(ctx).queries) {
      const ref = q.target.datasource ?? q.panel.datasource;
      const uid = isObj(ref) ? str(ref.uid) : undefined;
      if (q.ds && uid && variablesUsed(uid).length === 0) {
        out.push({ file: q.doc.file, subject: q.subject, message: `runs on the fixed datasource uid "${uid}"; expected the dashboard's ${q.ds.type} datasource variable` });
      }
    }
    return out;
  },
};

function variableProblems(doc: DashboardDoc, type: string): string[] {
  const all = templatingList(doc.json).filter((v) => v.type === 'datasource');
  const mine = all.filter((v) => v.query === type);
  const names = all.length === 1 ? ['datasource', `${type}_datasource`] : [`${type}_datasource`];
  if (mine.length === 0) return [`has no datasource variable of type ${type}; expected a variable of type "datasource" with query "${type}" named ${names.join(' or ')}`];
  return mine.filter((v) => !names.includes(str(v.name) ?? '')).map((v) => `datasource variable "${str(v.name)}" should be named ${names.join(' or ')}`);
}
