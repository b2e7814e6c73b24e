/** synth: a validated stack → the tree of files every component reads. */
import type { Stack } from './schema';
import { renderStack, RenderOptions } from './render';

/** All synth output, keyed by path relative to the output directory. */
export function synthesize(stack: Stack, options: RenderOptions = {}): Record<string, string> {
  const files = renderStack(stack, options);
  return Object.fromEntries(Object.entries(files).map(([rel, content]) => [`files/${rel}`, content]));
}
