/**
 * The e2e test expects, for each alert, the receiver the fixture's route tree names (test/e2e/routing.ts evaluates
 * the matchers itself). These cases pin that derivation on the fixture, and show it changes when the route does:
 * routing every alert to the root receiver, or dropping a route, gives a different expectation.
 */
import { expectedReceivers, matcherMatches } from './routing';
import { ROUTE, RECEIVERS } from './fixture';
import type { RouteConfig } from '../../src/schema';

const critical = { alertname: 'HttpServerErrorRatioHigh', severity: 'critical', service: 'backend' };
const warning = { alertname: 'CacheMissRatioHigh', severity: 'warning', service: 'backend' };
const watchdog = { alertname: 'Watchdog', severity: 'info' };

test('the fixture routes each kind of alert to its own receiver, none of them the root', () => {
  expect(expectedReceivers(ROUTE, critical)).toEqual(['oncall']);
  expect(expectedReceivers(ROUTE, warning)).toEqual(['team-warnings']);
  expect(expectedReceivers(ROUTE, watchdog)).toEqual(['deadman']);
  expect(expectedReceivers(ROUTE, { alertname: 'X', severity: 'info' })).toEqual(['fallback']);
  expect(new Set(RECEIVERS).size).toBe(RECEIVERS.length);
});

describe('failing fixtures: a changed route changes the expectation', () => {
  test('every alert to the root receiver', () => {
    const flat: RouteConfig = { ...ROUTE, routes: [] };
    expect(expectedReceivers(flat, critical)).toEqual(['fallback']);
    expect(expectedReceivers(flat, critical)).not.toEqual(expectedReceivers(ROUTE, critical));
  });

  test('the critical route removed', () => {
    const noCritical: RouteConfig = { ...ROUTE, routes: ROUTE.routes!.filter((r) => r.receiver !== 'oncall') };
    expect(expectedReceivers(noCritical, critical)).toEqual(['fallback']);
  });

  test('a catch-all before the critical route shadows it', () => {
    const shadowed: RouteConfig = { ...ROUTE, routes: [{ matchers: ['service="backend"'], receiver: 'team-warnings' }, ...ROUTE.routes!] };
    expect(expectedReceivers(shadowed, critical)).toEqual(['team-warnings']);
  });
});

describe('Alertmanager routing rules (dispatch/route.go, Route.Match)', () => {
  test('continue: true also tries the next siblings; the first match without it stops', () => {
    const route: RouteConfig = {
      receiver: 'root',
      routes: [
        { matchers: ['severity="critical"'], receiver: 'a', continue: true },
        { matchers: ['service=~"back.*"'], receiver: 'b' },
        { matchers: ['severity="critical"'], receiver: 'c' },
      ],
    };
    expect(expectedReceivers(route, critical)).toEqual(['a', 'b']);
  });

  test('a nested route inherits its parent\'s receiver; a matching parent without a matching child delivers itself', () => {
    const route: RouteConfig = {
      receiver: 'root',
      routes: [{ matchers: ['service="backend"'], receiver: 'backend-team', routes: [{ matchers: ['severity="critical"'] }, { matchers: ['severity="info"'], receiver: 'quiet' }] }],
    };
    expect(expectedReceivers(route, critical)).toEqual(['backend-team']);
    expect(expectedReceivers(route, warning)).toEqual(['backend-team']);
    expect(expectedReceivers(route, { ...warning, severity: 'info' })).toEqual(['quiet']);
  });

  test('matchers: =, !=, anchored =~ and !~, a missing label is empty', () => {
    expect(matcherMatches('severity="critical"', critical)).toBe(true);
    expect(matcherMatches('severity!="critical"', critical)).toBe(false);
    expect(matcherMatches('service=~"back"', critical)).toBe(false); // anchored: the whole value
    expect(matcherMatches('service=~"back.*"', critical)).toBe(true);
    expect(matcherMatches('service!~"front.*"', critical)).toBe(true);
    expect(matcherMatches('team=""', critical)).toBe(true);
    expect(() => matcherMatches('severity critical', critical)).toThrow(/not a matcher/);
  });
});
