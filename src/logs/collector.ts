/** `logs.collector` picks the log agent; the other one does not run. */
import type { ComponentName, Stack } from '../schema';

/** The log collector the stack does not run. */
export const unchosenCollector = (stack: Pick<Stack, 'logs'>): ComponentName => (stack.logs.collector === 'alloy' ? 'promtail' : 'alloy');

/**
 * Turns the unchosen collector off, so every consumer of `components.<name>.enabled` sees one collector (its
 * other settings stay as written).
 */
export function applyCollector(stack: Stack): Stack {
  stack.components[unchosenCollector(stack)].enabled = false;
  return stack;
}
