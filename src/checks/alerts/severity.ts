/** alerts/severity: every alert has a severity label from the allowed set. */
import type { Check } from '../types';
import { alertRules, finding } from '../rules/lib';

export const SEVERITIES = ['critical', 'warning', 'info'];

export const severity: Check = {
  id: 'alerts/severity',
  description: `alerts carry a severity label (${SEVERITIES.join(', ')})`,
  severity: 'error',
  target: 'rules',
  explain:
    `Routes, inhibit rules (critical silences warning) and the notification templates rely on the severity label. ` +
    `An alert without one, or with another value ("page", "high"), reaches only the root receiver and is never ` +
    `inhibited. mixtool lint allows ${SEVERITIES.join(', ')}; so does the stack's schema.`,
  run: (ctx) =>
    alertRules(ctx)
      .filter((r) => !SEVERITIES.includes(r.rule.labels?.severity ?? ''))
      .map((r) => finding(r, `severity ${JSON.stringify(r.rule.labels?.severity ?? null)}; expected one of ${SEVERITIES.join(', ')}`)),
};
