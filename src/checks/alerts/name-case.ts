/** alerts/name-case: alert names are CamelCase (mixtool lint). */
import type { Check } from '../types';
import { alertRules, finding } from '../rules/lib';

const CAMEL = /^[A-Z][A-Za-z0-9]*$/;

export const nameCase: Check = {
  id: 'alerts/name-case',
  description: 'alert names are CamelCase',
  severity: 'error',
  target: 'rules',
  explain:
    'The monitoring-mixins convention (mixtool lint) names alerts in CamelCase, starting with an upper-case letter ' +
    'and without "_" or "-" (HttpServerErrorRatioHigh, not http_server_errors): the name is the alertname label that ' +
    'routes, silences and inhibit rules match, and one style keeps them predictable.',
  run: (ctx) =>
    alertRules(ctx)
      .filter((r) => !CAMEL.test(r.name))
      .map((r) => finding(r, `alert name "${r.name}" is not CamelCase; expected e.g. "${camel(r.name)}"`)),
};

const camel = (name: string) =>
  name.split(/[_\-\s]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
