/**
 * Checks of `logs.sources` beyond the schema: a regex only for `plain` and valid with named groups, labels and
 * metadata only from extracted fields, and no high-cardinality field (user_id, request_id, trace_id…) as a label.
 */
import type { LogSourceConfig, Stack } from '../schema';
import { HIGH_CARDINALITY_FIELD } from '../../promtail/pipeline';
import { alloyLabel } from '../render/alloy';
import { labelFields, metadataFields, regexGroups, sourceFields } from './pipeline';

type Add = (parts: Array<string | number>, message: string) => void;

export function checkLogSources(stack: Stack, add: Add): void {
  stack.logs.sources.forEach((source, i) => checkLogSource(source, (parts, m) => add(['logs', 'sources', i, ...parts], m)));
  if (stack.logs.collector === 'alloy') checkAlloyLabels(stack, add);
}

/** Alloy component labels are identifiers: "a-b" becomes "a_b", which must not collide with another job. */
function checkAlloyLabels(stack: Stack, add: Add): void {
  const seen = new Map<string, string>();
  stack.logs.sources.forEach((s, i) => {
    const label = alloyLabel(s.job);
    const other = seen.get(label);
    if (other) add(['logs', 'sources', i, 'job'], `"${s.job}" and "${other}" are both "${label}" as Alloy component labels; expected jobs that differ in more than "-" and "_"`);
    else seen.set(label, s.job);
  });
}

function checkLogSource(source: LogSourceConfig, add: Add): void {
  checkRegex(source, add);
  if (source.format === 'plain' && source.fields) add(['fields'], 'a plain source takes its fields from the named groups of `regex`; expected no `fields`');
  const extracted = Object.keys(sourceFields(source));
  const labels = labelFields(source);
  labels.forEach((f, j) => {
    if (HIGH_CARDINALITY_FIELD.test(f)) {
      add(['labelFields', j], `"${f}" is a high-cardinality field (one Loki stream per value); expected a low-cardinality label such as level or logger — list "${f}" in metadataFields instead`);
    }
    if (f in source.labels) add(['labelFields', j], `"${f}" is also a static label in labels; expected one or the other`);
  });
  for (const kind of ['labelFields', 'metadataFields'] as const) {
    const names = kind === 'labelFields' ? labels : metadataFields(source);
    names.forEach((f, j) => {
      if (!extracted.includes(f)) add([kind, j], `"${f}" is not extracted from the line; expected one of: ${extracted.join(', ') || '(none: give fields or a regex)'}`);
    });
  }
  metadataFields(source).forEach((f, j) => {
    if (labels.includes(f)) add(['metadataFields', j], `"${f}" is already a label; expected a field to be either a label or structured metadata`);
  });
}

function checkRegex(source: LogSourceConfig, add: Add): void {
  if (source.regex === undefined) return;
  if (source.format !== 'plain') {
    add(['regex'], `a regex applies to format "plain" only; this source is "${source.format}"`);
    return;
  }
  try {
    // RE2's (?P<name>…) is JavaScript's (?<name>…); the rest of the checked subset is the same.
    new RegExp(source.regex.replace(/\(\?P</g, '(?<'));
  } catch (err) {
    add(['regex'], `not a valid regular expression (${(err as Error).message})`);
    return;
  }
  if (regexGroups(source.regex).length === 0) add(['regex'], 'expected at least one named group such as (?P<level>\\w+)');
}
