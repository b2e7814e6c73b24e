/** Shared command-line handling: argument parsing (node:util parseArgs) and error reporting. */
import { parseArgs } from 'node:util';
import { ConfigError, formatProblem } from '../errors';

export const EXIT_BAD_INPUT = 2;

export function parseCommandLine<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(usage: string, options: T) {
  try {
    return parseArgs({ args: process.argv.slice(2), options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values as {
      // A repeatable flag (`multiple: true`, e.g. --metrics) gives every value given, in order.
      [K in keyof T]?: T[K]['type'] extends 'string' ? (T[K]['multiple'] extends true ? string[] : string) : boolean;
    } & { help?: boolean };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${usage}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
}

/** Runs a command; bad input prints one line per problem and exits 2, with no stack trace. */
export async function runCommand(main: () => Promise<number> | number): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
      process.stderr.write(`${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} found; nothing was written.\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
