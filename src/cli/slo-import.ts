/**
 * npm run slo:import -- <openslo.yaml> [--json]: converts OpenSLO v1 SLO/SLI documents into the `slos` of a stack
 * config (YAML, or JSON with --json) on stdout. Unsupported features are refused with their path, exit 2.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import * as yaml from 'js-yaml';
import { ConfigError } from '../errors';
import { fromOpenSlo } from '../slo/openslo';
import { toYaml } from '../yaml';
import { EXIT_BAD_INPUT, runCommand } from './args';

const USAGE = 'npm run slo:import -- <openslo.yaml> [--json]';

void runCommand(() => {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { json: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  if (parsed.values.help) return void process.stdout.write(`usage: ${USAGE}\n`), 0;
  if (parsed.positionals.length !== 1) {
    process.stderr.write(`expected one OpenSLO file\nusage: ${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  const file = parsed.positionals[0];
  let docs: unknown[];
  try {
    docs = yaml.loadAll(fs.readFileSync(file, 'utf8'), undefined, { schema: yaml.CORE_SCHEMA }).filter((d) => d !== null);
  } catch (err) {
    throw new ConfigError([{ source: file, path: '$', message: `cannot read OpenSLO YAML: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const { slos, problems } = fromOpenSlo(docs, file);
  if (problems.length) throw new ConfigError(problems);
  process.stdout.write(parsed.values.json ? `${JSON.stringify({ slos }, null, 2)}\n` : toYaml({ slos }));
  return 0;
});
