import type { Check, Finding } from '../types';
import { str, templatingList } from './json';
import { resolveDatasource } from './datasources';
import { dashboardDocs, dashboardQueries, knownDatasources } from './scope';

export const datasourcesProvisioned: Check = {
  id: 'dashboards/datasources-provisioned',
  description: 'every datasource a panel, query or variable names is provisioned, with the type it claims',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Grafana shows "datasource not found" for a panel whose datasource uid is not provisioned, and a query sent to ' +
    'a datasource of another type fails. Panels and queries refer to datasources by { type, uid } (or a datasource ' +
    'variable); the uid must be one the stack provisions (grafana/provisioning/datasources) and the type must match.',
  run(ctx) {
    const out: Finding[] = [];
    const known = knownDatasources(ctx);
    for (const doc of dashboardDocs(ctx)) {
      for (const v of templatingList(doc.json)) {
        const { problem } = resolveDatasource(v.datasource, doc.json, known);
        if (problem) out.push({ file: doc.file, subject: `dashboard "${doc.title}": variable "${str(v.name) ?? '?'}"`, message: problem });
      }
    }
    for (const { file, subject, resolved } of dashboardQueries(ctx).refs) {
      if (resolved.problem) out.push({ file, subject, message: resolved.problem });
    }
    for (const q of dashboardQueries(ctx).queries) {
      if (q.target.datasource === undefined && q.panel.datasource === undefined) out.push({ file: q.doc.file, subject: q.subject, message: 'no datasource' });
    }
    return out;
  },
};
