import type { Check, Finding } from '../types';
import { isObj } from './json';
import { concreteQuery, syntaxProblem } from './queries';
import { dashboardQueries, promqlOf } from './scope';
import { variableSamples } from './variables';

const promqlSyntax = (expr: string, errors: string[]) => (errors.length ? `PromQL does not parse (${errors.join('; ')}): ${expr}` : undefined);

export const queryParses: Check = {
  id: 'dashboards/query-parses',
  description: 'every dashboard file is a JSON object, and every PromQL and LogQL query parses',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Parses each PromQL query with the official Prometheus lezer grammar and each LogQL query with Grafana\'s, after ' +
    'replacing Grafana variables with sample values ($__rate_interval with a duration, a custom variable with its ' +
    'options). A query that does not parse shows an error instead of a graph, and every other check skips it.',
  run(ctx) {
    const out: Finding[] = ctx.dashboards
      .filter((d) => !isObj(d.json))
      .map((d) => ({ file: d.file, subject: d.file, message: 'not a dashboard JSON object' }));
    for (const q of dashboardQueries(ctx).queries) {
      if (!q.ds) continue;
      const problem =
        q.ds.type === 'prometheus'
          ? promqlSyntax(q.expr, promqlOf(q).parsed.errors)
          : syntaxProblem(q.expr, concreteQuery(q.expr, variableSamples(q.doc.json)), q.ds.type);
      if (problem) out.push({ file: q.doc.file, subject: q.subject, message: problem });
    }
    return out;
  },
};
