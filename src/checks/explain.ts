/** `check --explain <id>` and `check --list`: the registry's texts. */
import { CHECKS, findCheck } from './index';

export function explainText(id: string): { ok: boolean; text: string } {
  const check = findCheck(id);
  if (!check) return { ok: false, text: `unknown check "${id}"; expected one of:\n${CHECKS.map((c) => `  ${c.id}`).join('\n')}` };
  const kind = check.target === 'config' ? 'runs when the config loads (bad input, exit 2)' : `${check.severity}, on the ${check.target}`;
  return { ok: true, text: `${check.id} (${kind})\n${check.description}\n\n${check.explain}` };
}

export function listText(): string {
  const width = Math.max(...CHECKS.map((c) => c.id.length));
  return CHECKS.map((c) => `${c.id.padEnd(width)}  ${c.severity.padEnd(7)}  ${c.description}`).join('\n');
}
