/** rules/duplicate: no two rules with the same name, expression and labels. */
import type { Check, Finding } from '../types';
import { allRules, finding } from './lib';

const key = (r: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }) =>
  JSON.stringify([r.alert ?? '', r.record ?? '', r.expr.replace(/\s+/g, ' ').trim(), Object.entries(r.labels ?? {}).sort()]);

export const duplicate: Check = {
  id: 'rules/duplicate',
  description: 'no rule is defined twice (same name, expression and labels)',
  severity: 'error',
  target: 'rules',
  explain:
    'Two alerting rules with the same name, expression and labels produce the same alert twice: Prometheus evaluates ' +
    'both and sends both, and the second recording rule of a name writes the same series twice (out-of-order samples). ' +
    'It usually comes from a custom alert that copies a catalog alert; tune the catalog alert with alerts.overrides instead.',
  run(ctx) {
    const out: Finding[] = [];
    const seen = new Map<string, string>();
    for (const r of allRules(ctx)) {
      const k = key(r.rule);
      const first = seen.get(k);
      if (first) out.push(finding(r, `the same rule is already defined in ${first}; expected each rule once`));
      else seen.set(k, `${r.file} (group "${r.group}")`);
    }
    return out;
  },
};
