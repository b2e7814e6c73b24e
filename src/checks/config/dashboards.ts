/** config/dashboards: included and config dashboards exist, are unique and query what the stack provides. */
import { dashboardConfigProblems } from '../../check-dashboards';
import { configCheck } from './lib';

export const dashboards = configCheck(
  {
    id: 'config/dashboards',
    description: 'dashboards.include names dashboards that exist; config panels parse and query provided metrics',
    explain:
      'dashboards.include must name dashboards of dashboards/ (by uid or title); uids, titles and panel titles must be ' +
      'unique; a config panel has one query that parses and reads metrics and log jobs the stack provides. Refused at ' +
      'load time with the JSON path, the dashboard and the panel.',
  },
  (stack, add) => {
    for (const p of dashboardConfigProblems(stack)) add(p.path, p.message);
  },
);
