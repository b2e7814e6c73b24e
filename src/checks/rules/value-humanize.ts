/** rules/value-humanize: annotations print the value of a rate through humanize (or printf). */
import type { Check, Finding } from '../types';
import { alertRules, exprTree, finding, functionName, nodes } from './lib';

/** `{{ $value }}` printed as it is, with no pipe. */
const BARE_VALUE = /\{\{-?\s*\$value\s*-?\}\}/;
const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'deriv', 'delta', 'idelta']);

export const valueHumanize: Check = {
  id: 'rules/value-humanize',
  description: 'annotations show the value of a rate through humanize',
  severity: 'warning',
  target: 'rules',
  explain:
    'The value of a rate or ratio is a float such as 0.016666666666666666: printed with a bare {{ $value }} it is ' +
    'unreadable in a notification. Pipe it through humanize (0.01667), humanizePercentage (1.667%) or ' +
    'humanizeDuration, or printf "%.2f". The check applies to alerts whose expression computes a rate ' +
    '(rate, irate, increase, deriv, delta).',
  run(ctx) {
    const out: Finding[] = [];
    for (const r of alertRules(ctx)) {
      const top = exprTree(r.rule.expr);
      if (!top || !nodes(top).some((n) => n.name === 'FunctionCall' && RATE_FUNCTIONS.has(functionName(r.rule.expr, n)))) continue;
      for (const [name, text] of Object.entries(r.rule.annotations ?? {})) {
        if (BARE_VALUE.test(text)) out.push(finding(r, `annotation ${name} prints {{ $value }} of a rate unformatted; expected {{ $value | humanize }} (or humanizePercentage, printf)`));
      }
    }
    return out;
  },
};
