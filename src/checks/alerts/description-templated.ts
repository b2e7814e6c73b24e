/** alerts/description-templated: the description says which series fired and with what value. */
import type { Check } from '../types';
import { alertRules, alwaysFiring, finding } from '../rules/lib';

const TEMPLATED = /\{\{[^}]*\$(value|labels)/;

export const descriptionTemplated: Check = {
  id: 'alerts/description-templated',
  description: 'alert descriptions are templated ($labels or $value)',
  severity: 'warning',
  target: 'rules',
  explain:
    'The description is where a notification tells what fired: which job, service or instance ($labels) and how bad ' +
    '($value). mixtool lint wants one on every alert. A description without any template reads the same for every ' +
    'instance, so the receiver has to open Prometheus to learn what happened. vector(1) (the Watchdog) has no series to describe and is left out.',
  run: (ctx) =>
    alertRules(ctx)
      .filter((r) => !alwaysFiring(r.rule.expr) && !TEMPLATED.test(r.rule.annotations?.description ?? ''))
      .map((r) =>
        finding(r, r.rule.annotations?.description === undefined
          ? 'has no description annotation; expected a templated description such as "{{ $labels.job }}: {{ $value | humanize }}"'
          : `description ${JSON.stringify(r.rule.annotations!.description)} uses no $labels or $value; expected the series and the value it fired with`)),
};
