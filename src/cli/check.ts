/** npm run check -- --stack <name> | --config <file>: synthesizes to a temp dir and runs promtool/amtool on it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStack } from '../load';
import { synthesize } from '../synth';
import { writeTree } from '../output';
import { formatReport, runChecks } from '../check';
import { parseCommandLine, runCommand } from './args';

const USAGE = 'npm run check -- (--stack <name> | --config <file.yaml|json>)';

void runCommand(async () => {
  const args = parseCommandLine(USAGE, { stack: { type: 'string' }, config: { type: 'string' } });
  if (args.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return 0;
  }
  const { stack, source } = loadStack(args);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-check-'));
  try {
    const out = path.join(tmp, 'out');
    writeTree(out, synthesize(stack));
    const results = await runChecks(stack, path.join(out, 'files'));
    process.stdout.write(`check ${source}\n${formatReport(results)}\n`);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
