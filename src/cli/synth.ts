/** npm run synth -- --stack <name> | --config <file> --out <dir> [--into-existing] */
import { loadStack } from '../load';
import { synthesize } from '../synth';
import { writeTree } from '../output';
import { resourceGraphJson } from '../resources';
import { EXIT_BAD_INPUT, parseCommandLine, runCommand } from './args';

const USAGE = 'npm run synth -- (--stack <name> | --config <file.yaml|json>) --out <dir> [--into-existing]';

void runCommand(async () => {
  const args = parseCommandLine(USAGE, {
    stack: { type: 'string' },
    config: { type: 'string' },
    out: { type: 'string' },
    // A folder holding other things and no earlier synth output is refused unless the user asks for it.
    'into-existing': { type: 'boolean' },
  });
  if (args.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return 0;
  }
  if (!args.out) {
    process.stderr.write(`missing --out <dir>\nusage: ${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  const { stack, source } = loadStack(args);
  // resources.json: the Pulumi resource graph under mocks (secrets as "[secret]"), next to files/.
  const files = { ...synthesize(stack), 'resources.json': await resourceGraphJson(stack) };
  writeTree(args.out, files, { intoExisting: args['into-existing'] });
  process.stdout.write(`synthesized ${source} → ${args.out} (${Object.keys(files).length} files)\n`);
  return 0;
});
