/** alerts/runbook-url: every alert links a runbook. */
import type { Check } from '../types';
import { alertRules, finding } from '../rules/lib';

export const runbookUrl: Check = {
  id: 'alerts/runbook-url',
  description: 'every alert has a runbook_url annotation',
  severity: 'warning',
  target: 'rules',
  explain:
    'A runbook tells the person paged what to check and how to fix it; the notification templates link it. mixtool ' +
    'lint wants a runbook_url on every alert. Set alerts.runbookUrlPattern (e.g. ' +
    '"https://runbooks.example.com/alerts/{alert}") to give every alert one, and runbookUrl on an alert or override ' +
    'for a specific page.',
  run: (ctx) =>
    alertRules(ctx)
      .filter((r) => !/^https?:\/\//.test(r.rule.annotations?.runbook_url ?? ''))
      .map((r) => finding(r, 'has no runbook_url; expected one from alerts.runbookUrlPattern or the alert\'s runbookUrl')),
};
