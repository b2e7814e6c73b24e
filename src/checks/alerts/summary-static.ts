/** alerts/summary-static: the summary is a static text; templated details go into the description. */
import type { Check } from '../types';
import { alertRules, finding } from '../rules/lib';

const TEMPLATED = /\{\{[^}]*\$(value|labels|externalLabels)/;

export const summaryStatic: Check = {
  id: 'alerts/summary-static',
  description: 'alert summaries are static (no $value or $labels)',
  severity: 'warning',
  target: 'rules',
  explain:
    'The monitoring-mixins guideline (mixtool lint) keeps the summary annotation a short static text and puts the ' +
    'templated details ($labels, $value) into the description: a static summary is the same for every instance of ' +
    'the alert, so grouped notifications and chat threads stay readable and searchable. A stack that names the ' +
    'service in its summaries on purpose excludes this check in checks.exclude, with the reason.',
  run: (ctx) =>
    alertRules(ctx)
      .filter((r) => r.rule.annotations?.summary === undefined || TEMPLATED.test(r.rule.annotations.summary))
      .map((r) =>
        finding(r, r.rule.annotations?.summary === undefined
          ? 'has no summary annotation; expected a short static summary'
          : `summary ${JSON.stringify(r.rule.annotations!.summary)} is templated; expected a static text (details in the description)`)),
};
