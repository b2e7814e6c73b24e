/**
 * Every stack in stacks/ (the user's files) passes the checks that hold for any valid config: it synthesizes,
 * passes `check`, renders the same bytes twice and shows no secret value (test/stack-checks.ts). Nothing here pins
 * a value of a stack, so any valid edit of stacks/* keeps these green; value tests use test/fixtures/.
 */
import { loadStack } from '../src/load';
import { userStackNames } from './helpers';
import { describeMachineryChecks } from './stack-checks';

const names = userStackNames();

test('stacks/ holds at least one stack', () => {
  expect(names.length).toBeGreaterThan(0);
});

for (const name of names) describeMachineryChecks(`stacks/${name}`, () => loadStack({ stack: name }).stack);
