// jest globalSetup of `npm run test:mutation`: runs before each jest run, i.e. before each mutant.
module.exports = () => require('./mutation-bail').resetBail();
