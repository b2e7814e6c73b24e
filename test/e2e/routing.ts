/**
 * The receivers an alert reaches, evaluated here from a route tree of a stack config, independently of the code
 * under test (which renders alertmanager.yml) and of amtool (which reads the rendered file). Alertmanager's rules
 * (dispatch/route.go, Route.Match): a route matches when all its matchers match; children are tried in order, the
 * first matching child is descended into, and further siblings only when that child has `continue: true`; a route
 * none of whose children match delivers to its own receiver, inherited from the parent when it names none.
 */
import type { RouteConfig } from '../../src/schema';

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|=|!=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** One matcher string against a label set; a missing label is the empty string, as in Alertmanager. */
export function matcherMatches(matcher: string, labels: Record<string, string>): boolean {
  const m = MATCHER.exec(matcher);
  if (!m) throw new Error(`not a matcher: ${matcher}`);
  const [, name, op, raw] = m;
  const value = JSON.parse(`"${raw}"`) as string;
  const actual = labels[name] ?? '';
  switch (op) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '=~':
      return new RegExp(`^(?:${value})$`).test(actual);
    default:
      return !new RegExp(`^(?:${value})$`).test(actual);
  }
}

/** The receivers, in order, that Alertmanager notifies for an alert with `labels`. */
export function expectedReceivers(route: RouteConfig, labels: Record<string, string>, inherited?: string): string[] {
  const receiver = route.receiver ?? inherited;
  if (!receiver) throw new Error('a route without a receiver and no parent to inherit one from');
  const out: string[] = [];
  for (const child of route.routes ?? []) {
    if (!(child.matchers ?? []).every((m) => matcherMatches(m, labels))) continue;
    out.push(...expectedReceivers(child, labels, receiver));
    if (!child.continue) break;
  }
  return out.length ? out : [receiver];
}
