/** synth: a validated stack → the tree of files every component reads. */
import type { Stack } from './schema';
import { renderStack, RenderOptions } from './render';
import { validateStack } from './load';
import { writeTree } from './output';

/** All synth output, keyed by path relative to the output directory. */
export function synthesize(stack: Stack, options: RenderOptions = {}): Record<string, string> {
  const files = renderStack(stack, options);
  return Object.fromEntries(Object.entries(files).map(([rel, content]) => [`files/${rel}`, content]));
}

/**
 * Validate, render, then write: the order that guarantees bad input writes nothing (validation and rendering
 * finish in memory before the first byte lands, and the write itself is one rename).
 */
export function synthToDirectory(input: unknown, source: string, outDir: string): { stack: Stack; files: Record<string, string> } {
  const stack = validateStack(input, source);
  const files = synthesize(stack);
  writeTree(outDir, files);
  return { stack, files };
}
