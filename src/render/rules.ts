/** Prometheus rule files: one file per rule group, one alerting rule per alert and severity tier. */
import type { AlertRule, RuleGroup } from '../alerts';
import { jobMatcher, selector } from '../promql';
import { parseDuration } from '../duration';
import { humanizeDuration, humanizePercentage } from './go-format';
import { recordingPlan } from './recording';

/** The PromQL condition of an alert. */
export function alertExpr(rule: AlertRule): string {
  const job = rule.jobs.length ? jobMatcher(rule.jobs) : undefined;
  switch (rule.kind) {
    case 'ratio': {
      const rate = (sel: string) => `sum by (job, service) (rate(${sel}[${rule.window}]))`;
      const num = rate(selector(rule.numerator.metric, job, rule.numerator.matchers));
      const terms = rule.denominator.metrics.map((m) => rate(selector(m, job, rule.denominator.matchers)));
      // Several counters make up the total: a missing one counts as 0 rather than blanking the sum.
      const den = terms.length === 1 ? terms[0] : `(\n  ${terms.map((t) => (t === num ? t : `(${t} or ${num} * 0)`)).join('\n  + ')}\n)`;
      return `${num}\n/\n${den}\n${rule.op} ${rule.threshold}`;
    }
    case 'latency':
      return (
        `histogram_quantile(${rule.quantile}, sum by (job, service, le) ` +
        `(rate(${selector(`${rule.histogram}_bucket`, job, rule.matchers)}[${rule.window}])))\n> ${rule.threshold}`
      );
    case 'gauge':
      return `${selector(rule.metric, job, rule.matchers)} ${rule.op} ${rule.threshold}`;
    case 'increase':
      return `increase(${selector(rule.metric, job, rule.matchers)}[${rule.window}]) > ${rule.threshold}`;
    case 'down':
      return `${selector(rule.metric, job)} == 0`;
    case 'raw':
      return rule.expr.trim();
  }
}

/**
 * The annotations of a rule: its texts (default ones when the spec gives none) with `{threshold}`, `{for}` and
 * `{window}` replaced by this rule's effective values, then the extra annotations.
 */
export function annotations(rule: AlertRule): Record<string, string> {
  let out = annotationCache.get(rule);
  if (!out) annotationCache.set(rule, (out = buildAnnotations(rule)));
  return out;
}

/** Rules are immutable once resolved; the rule-test generator asks for their texts many times. */
const annotationCache = new WeakMap<AlertRule, Record<string, string>>();

function buildAnnotations(rule: AlertRule): Record<string, string> {
  const op = rule.kind === 'ratio' || rule.kind === 'gauge' ? rule.op : '>';
  const threshold = 'threshold' in rule ? ` (threshold ${op} {threshold})` : '';
  // The value reads like the threshold: a ratio as a percentage, a latency as a duration.
  const shown = rule.kind === 'ratio' ? 'humanizePercentage' : rule.kind === 'latency' ? 'humanizeDuration' : 'humanize';
  const out: Record<string, string> = {
    summary: rule.summary ?? `${rule.name} on {{ $labels.job }}`,
    // A raw expression's value has no known meaning, so its default description does not show it.
    description:
      rule.description ?? (rule.kind === 'raw' ? `${rule.name} is firing.` : `{{ $labels.job }}: {{ $value | ${shown} }}${threshold}.`),
  };
  if (rule.runbookUrl) out.runbook_url = rule.runbookUrl;
  Object.assign(out, rule.annotations ?? {});
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, fillPlaceholders(v, rule)]));
}

/** `{threshold}` (a ratio as a percentage, a latency as a duration), `{for}` and `{window}` in words. */
export function fillPlaceholders(text: string, rule: AlertRule): string {
  return text.replace(/\{(threshold|for|window)\}/g, (whole, name: string) => {
    if (name === 'for') return durationWords(rule.for);
    if (name === 'window') return 'window' in rule ? durationWords(rule.window) : whole;
    if (!('threshold' in rule)) return whole;
    if (rule.kind === 'ratio') return humanizePercentage(rule.threshold);
    if (rule.kind === 'latency') return humanizeDuration(rule.threshold);
    return String(rule.threshold);
  });
}

const WORDS: Array<[string, number]> = [['day', 86400e3], ['hour', 3600e3], ['minute', 60e3], ['second', 1e3], ['millisecond', 1]];

/** "5m" → "5 minutes", "1m30s" → "1 minute 30 seconds", "0s" → "0 seconds". */
export function durationWords(duration: string): string {
  let ms = parseDuration(duration);
  if (ms === 0) return '0 seconds';
  const parts: string[] = [];
  for (const [word, size] of WORDS) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n} ${word}${n === 1 ? '' : 's'}`);
    ms -= n * size;
  }
  return parts.join(' ');
}

export function ruleLabels(rule: AlertRule): Record<string, string> {
  return { ...rule.labels, severity: rule.severity };
}

/**
 * The rule file of a group as a plain object for YAML. Expressions several of its alerts share become recording
 * rules first (src/render/recording.ts); `inline: true` writes every expression out in each alert instead.
 */
export function ruleFile(group: RuleGroup, options: { inline?: boolean } = {}): object {
  const plan = options.inline ? undefined : recordingPlan(group, alertExpr);
  return {
    groups: [
      {
        name: group.name,
        ...(group.interval ? { interval: group.interval } : {}),
        rules: [
          ...(plan?.records ?? []),
          ...group.rules.map((rule) => ({
            alert: rule.name,
            expr: plan ? plan.apply(rule, alertExpr(rule)) : alertExpr(rule),
            ...(rule.for !== '0s' ? { for: rule.for } : {}),
            labels: ruleLabels(rule),
            annotations: annotations(rule),
          })),
        ],
      },
    ],
  };
}
