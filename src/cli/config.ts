/** npm run config -- --stack <name> | --config <file>: prints the validated, defaulted config as JSON. */
import { loadStack } from '../load';
import { parseCommandLine, runCommand } from './args';

const USAGE = 'npm run config -- (--stack <name> | --config <file.yaml|json>)';

void runCommand(() => {
  const args = parseCommandLine(USAGE, { stack: { type: 'string' }, config: { type: 'string' } });
  if (args.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return 0;
  }
  const { stack } = loadStack(args);
  process.stdout.write(`${JSON.stringify(stack, null, 2)}\n`);
  return 0;
});
