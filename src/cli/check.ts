/**
 * npm run check -- --stack <name> | --config <file>: synthesizes to a temp dir and runs promtool/amtool and the
 * named checks on it. `--explain <id>` prints what a named check catches; `--list` lists them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStack } from '../load';
import { synthesize } from '../synth';
import { writeTree } from '../output';
import { formatReport, runChecks } from '../check';
import { EXIT_BAD_INPUT, parseCommandLine, runCommand } from './args';
import { contractResult, parseMetricsFlags, readExpositions } from '../contract';
import { explainText, listText } from '../checks/explain';

const USAGE =
  'npm run check -- (--stack <name> | --config <file.yaml|json>) [--metrics <job>=<file-or-http-url> ...] | --explain <check-id> | --list';

void runCommand(async () => {
  const args = parseCommandLine(USAGE, {
    stack: { type: 'string' },
    config: { type: 'string' },
    metrics: { type: 'string', multiple: true },
    explain: { type: 'string' },
    list: { type: 'boolean' },
  });
  if (args.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return 0;
  }
  if (args.list) return print(listText(), 0);
  if (args.explain !== undefined) {
    const text = explainText(args.explain);
    return text.ok ? print(text.text, 0) : print(text.text, EXIT_BAD_INPUT, process.stderr);
  }
  const { stack, source } = loadStack(args);
  // Expositions are read before anything runs: a bad --metrics is bad input (exit 2).
  const expositions = await readExpositions(parseMetricsFlags(args.metrics ?? [], stack));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-check-'));
  try {
    const out = path.join(tmp, 'out');
    writeTree(out, synthesize(stack));
    const results = await runChecks(stack, path.join(out, 'files'), source);
    if (expositions.length) results.push(contractResult(stack, path.join(out, 'files'), expositions));
    process.stdout.write(`check ${source}\n${formatReport(results)}\n`);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

function print(text: string, code: number, stream: NodeJS.WriteStream = process.stdout): number {
  stream.write(`${text}\n`);
  return code;
}
