/**
 * Passing tool runs, remembered for the life of the process by the bytes the tool read: `check` run again on files
 * that did not change (the README guides' step-by-step test, a test file that checks one stack several times) skips
 * the promtool runs whose inputs are those of a run that passed. Only passes are kept: a failure always runs again,
 * so its report is fresh. The key holds the tool's path, its arguments and every input file's content.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';

const passed = new Map<string, string>();

/** The key of a run: tool, arguments, and the content of each input file (a missing file counts as missing). */
export function runKey(toolPath: string, args: string[], inputs: string[]): string {
  const hash = crypto.createHash('sha256').update(JSON.stringify([toolPath, args]));
  for (const file of inputs) {
    hash.update(`\0${file}\0`);
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : '\0missing');
  }
  return hash.digest('hex');
}

/** The output of an earlier passing run with this key, if any. */
export const earlierPass = (key: string): string | undefined => passed.get(key);

export function rememberPass(key: string, output: string): void {
  passed.set(key, output);
}
