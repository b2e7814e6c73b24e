/** npm run check -- --stack <name> | --config <file>: synthesizes to a temp dir and runs promtool/amtool on it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStack } from '../load';
import { synthesize } from '../synth';
import { writeTree } from '../output';
import { formatReport, runChecks } from '../check';
import { parseCommandLine, runCommand } from './args';
import { contractResult, parseMetricsFlags, readExpositions } from '../contract';

const USAGE = 'npm run check -- (--stack <name> | --config <file.yaml|json>) [--metrics <job>=<file-or-http-url> ...]';

void runCommand(async () => {
  const args = parseCommandLine(USAGE, { stack: { type: 'string' }, config: { type: 'string' }, metrics: { type: 'string', multiple: true } });
  if (args.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return 0;
  }
  const { stack, source } = loadStack(args);
  // Expositions are read before anything runs: a bad --metrics is bad input (exit 2).
  const expositions = await readExpositions(parseMetricsFlags(args.metrics ?? [], stack));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-check-'));
  try {
    const out = path.join(tmp, 'out');
    writeTree(out, synthesize(stack));
    const results = await runChecks(stack, path.join(out, 'files'));
    if (expositions.length) results.push(contractResult(stack, path.join(out, 'files'), expositions));
    process.stdout.write(`check ${source}\n${formatReport(results)}\n`);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
