/** config/slos: SLOs whose rules and behaviour tests can be generated (src/validate-slo.ts has the details). */
import { checkSlos } from '../../validate-slo';
import { configCheck } from './lib';

export const slos = configCheck(
  {
    id: 'config/slos',
    description: 'SLO names are unique, selectors parse, windows hold scrapes, test series can be derived',
    explain:
      'Each SLO renders recording rules, burn-rate alerts and promtool tests from its selectors: they must be plain ' +
      'counter selectors of scraped jobs, the period must divide into whole-second windows whose shortest holds two ' +
      'scrapes, a latency threshold must be a bucket bound, the SLO sets `slo` and `severity` itself, and its alert ' +
      'texts cannot show $value (the tests state the exact text).',
  },
  (stack, add) => checkSlos(stack, add),
);
