/** synth: a validated stack → the tree of files every component reads. */
import type { Stack } from './schema';
import { renderStack, RenderOptions } from './render';
import { validateStack } from './load';
import { writeTree, WriteOptions } from './output';
import { renderManifests } from './render/kubernetes';
import { kubernetesCharts } from './render/kubernetes/charts';
import { GENERATED_HEADER, toYaml } from './yaml';

/** All synth output, keyed by path relative to the output directory. */
export function synthesize(stack: Stack, options: RenderOptions = {}): Record<string, string> {
  const files = renderStack(stack, options);
  // A kubernetes stack also gets its manifests (the same rules, dashboards and routing as objects), owned like files/.
  return {
    ...Object.fromEntries(Object.entries(files).map(([rel, content]) => [`files/${rel}`, content])),
    ...Object.fromEntries(Object.entries(renderManifests(stack, files)).map(([rel, content]) => [`manifests/${rel}`, content])),
    ...Object.fromEntries(kubernetesCharts(stack).map((c) => [c.valuesFile, toYaml(c.values, GENERATED_HEADER(stack.name))])),
  };
}

/**
 * Validate, render, then write: the order that guarantees bad input writes nothing (validation and rendering
 * finish in memory before the first byte lands; the write then swaps in the complete output, see output.ts).
 */
export function synthToDirectory(
  input: unknown,
  source: string,
  outDir: string,
  options: WriteOptions = {},
): { stack: Stack; files: Record<string, string> } {
  const stack = validateStack(input, source);
  const files = synthesize(stack);
  writeTree(outDir, files, options);
  return { stack, files };
}
