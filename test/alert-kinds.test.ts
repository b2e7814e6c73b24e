/** The typed alert building blocks of alert-rules/kinds.ts: what they select. */
import { errorRatio } from '../alert-rules/kinds';
import { alertExpr } from '../src/render/rules';
import { resolveAlerts } from '../src/alerts';
import type { StackInput } from '../src/schema';
import { validate } from './helpers';
import fixture from './fixtures/seed-stack';

describe('errorRatio', () => {
  const login = {
    name: 'LoginFailuresHigh',
    jobs: ['backend'],
    metric: 'http_requests_total',
    matchers: 'endpoint="/api/login"',
    errors: { matchers: 'status="401"', sample: { endpoint: '/api/login', status: '401' } },
    sample: { endpoint: '/api/login', status: '200' },
    threshold: 0.3,
  };

  test('`matchers` narrow the errors and the total; `errors.matchers` only the errors', () => {
    expect(errorRatio(login)).toMatchObject({
      numerator: { metric: login.metric, matchers: `${login.matchers},${login.errors.matchers}` },
      denominator: { metrics: [login.metric], matchers: login.matchers },
    });
  });

  test('without `matchers` the total is every event of the metric', () => {
    const { matchers: _unused, ...all } = login;
    const spec = errorRatio(all) as { denominator: Record<string, unknown>; numerator: Record<string, unknown> };
    expect(spec.numerator.matchers).toBe(login.errors.matchers);
    expect(spec.denominator).not.toHaveProperty('matchers');
  });

  test('the rendered rule divides by the narrowed total', () => {
    const input: StackInput = JSON.parse(JSON.stringify(fixture));
    input.alerts = { custom: [errorRatio(login)] };
    const rule = resolveAlerts(validate(input)).flatMap((g) => g.rules).find((r) => r.name === login.name)!;
    const [num, den] = alertExpr(rule).split('\n/\n');
    expect(num).toContain(login.matchers);
    expect(num).toContain(login.errors.matchers);
    expect(den).toContain(login.matchers);
    expect(den).not.toContain(login.errors.matchers);
  });
});
