/** rules/plain-regex: a regex matcher whose value is a plain string is an equality matcher. */
import type { Check, Finding } from '../types';
import { finding, selectorOf, ruleNodes } from './lib';

/** A value with no regex syntax at all ("backend", "/api/login"). */
const PLAIN = /^[A-Za-z0-9_\-:/@,;=<>!%&'"# ]+$/;

export const plainRegex: Check = {
  id: 'rules/plain-regex',
  description: 'regex matchers (=~, !~) use a regex, not a plain string',
  severity: 'warning',
  target: 'rules',
  explain:
    'job=~"backend" matches exactly what job="backend" matches, but reads as if a pattern were meant (a missing ".*" ' +
    'or "|" is a common typo), costs a regex match per series, and tools that read matchers (route tests, the ' +
    'metrics contract) cannot tell it is a single value. Fix: use = or != for a plain value.',
  run(ctx) {
    const out: Finding[] = [];
    for (const { r, node } of ruleNodes(ctx, (_expr, n) => n.name === 'VectorSelector')) {
      for (const m of selectorOf(r.rule.expr, node).matchers) {
        if ((m.op === '=~' || m.op === '!~') && PLAIN.test(m.value))
          out.push(finding(r, `${m.label}${m.op}"${m.value}" is a regex matcher on a plain string; expected ${m.label}${m.op === '=~' ? '=' : '!='}"${m.value}"`));
      }
    }
    return out;
  },
};
