import type { Check, Finding } from '../types';
import { allPanels, isObj, Json, str, targetsOf, templatingList } from './json';
import { DashboardDoc, dashboardDocs, panelSubject } from './scope';
import { BUILTIN_VARIABLES, definedVariables, variablesUsed } from './variables';

export const variablesDefined: Check = {
  id: 'dashboards/variables-defined',
  description: 'every variable a query, legend, title, datasource or repeat uses is defined in the templating',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Grafana leaves an undefined $variable in the query text, so the query fails or matches nothing. Every variable ' +
    "used must be in the dashboard's templating.list or be one of Grafana's built-ins ($__rate_interval, $__interval, …).",
  run(ctx) {
    return dashboardDocs(ctx).flatMap((doc) => dashboardProblems(doc));
  },
};

function dashboardProblems(doc: DashboardDoc): Finding[] {
  const defined = definedVariables(doc.json);
  const out: Finding[] = [];
  const check = (text: unknown, subject: string) => {
    if (typeof text !== 'string') return;
    for (const name of variablesUsed(text.replace(/\$__all/g, ''))) {
      if (defined.has(name) || BUILTIN_VARIABLES.has(name)) continue;
      const has = [...defined].join(', ') || 'nothing';
      out.push({ file: doc.file, subject, message: `uses variable $${name}, which the dashboard does not define (templating.list has: ${has})` });
    }
  };
  const dsUid = (ref: unknown) => (isObj(ref) ? ref.uid : undefined);
  for (const v of templatingList(doc.json)) {
    const subject = `dashboard "${doc.title}": variable "${str(v.name) ?? '?'}"`;
    for (const field of [v.query, v.regex, v.definition, dsUid(v.datasource)]) check(field, subject);
  }
  for (const panel of allPanels(doc.json.panels)) out.push(...panelProblems(doc, panel, defined, check));
  return out;
}

function panelProblems(doc: DashboardDoc, panel: Json, defined: Set<string>, check: (text: unknown, subject: string) => void): Finding[] {
  const subject = panelSubject(doc, panel);
  check(panel.title, subject);
  check(isObj(panel.datasource) ? panel.datasource.uid : undefined, subject);
  for (const t of targetsOf(panel)) {
    const q = `${subject}, query ${str(t.refId) ?? '?'}`;
    for (const text of [t.expr, t.legendFormat, isObj(t.datasource) ? t.datasource.uid : undefined]) check(text, q);
  }
  if (typeof panel.repeat === 'string' && panel.repeat && !defined.has(panel.repeat)) {
    return [{ file: doc.file, subject, message: `repeats over variable "${panel.repeat}", which the dashboard does not define` }];
  }
  return [];
}
