/** One problem in a config: where it is and what was expected. */
export interface Problem {
  /** File the config came from, e.g. "stacks/dev.ts" or "examples/staging.yaml". */
  source: string;
  /** JSONPath into the config, e.g. "$.scrapeTargets[1].job". */
  path: string;
  message: string;
}

export const formatProblem = (p: Problem): string => `${p.source}: ${p.path}: ${p.message}`;

/** Thrown for bad input: carries every problem found, so the user can fix them all at once. */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

/** JSONPath of a property path: ["a", 0, "b-c"] → $.a[0]["b-c"]. */
export function jsonPath(parts: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
