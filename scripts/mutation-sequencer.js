/**
 * Suite order for `npm run test:mutation`: the order of the group's list (scripts/mutation-groups.js), cheap unit
 * suites first, so that with the bail of scripts/mutation-bail.js a mutant is usually killed before the slow suites
 * that run promtool or a whole synth. jest's default puts the slowest suites first.
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { GROUPS } = require('./mutation-groups');

class GroupOrder extends Sequencer {
  sort(tests) {
    const order = GROUPS[process.env.MUTATION_GROUP ?? '']?.tests ?? [];
    const rank = (t) => order.indexOf(path.basename(t.path, '.test.ts'));
    return [...tests].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = GroupOrder;
