/**
 * Bail for `npm run test:mutation`: once a test fails under a mutant, the remaining tests of that jest run are
 * skipped. A mutant is killed by its first failing test; Stryker's jest runner cannot pass `bail` to jest
 * (jestjs/jest#11766), so without this every killed mutant ran all its covering tests, as long as a survivor.
 * The state lives on the outer process's globalThis: the environment class and the global setup run there, once per
 * jest run (one run per mutant). The dry run has no active mutant and runs everything (per-test coverage).
 */
const { TestEnvironment } = require('jest-environment-node');

const KEY = Symbol.for('monitoring-stack.mutation-bail');
const state = () => (globalThis[KEY] ??= { failed: false });

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined) return;
    if (event.name === 'test_start' && state().failed) event.test.mode = 'skip';
    if ((event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure') state().failed = true;
  }
}

/** jest's globalSetup: a new run (a new mutant) starts with nothing failed. */
function resetBail() {
  state().failed = false;
}

module.exports = BailEnvironment;
module.exports.resetBail = resetBail;
