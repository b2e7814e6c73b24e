/** Prometheus rule files: one file per rule group, one alerting rule per alert and severity tier. */
import type { AlertRule, RuleGroup } from '../alerts';
import { jobMatcher, selector } from '../promql';

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

/** Default annotations when a spec gives none. */
export function annotations(rule: AlertRule): Record<string, string> {
  const op = rule.kind === 'ratio' || rule.kind === 'gauge' ? rule.op : '>';
  const threshold = 'threshold' in rule ? ` (threshold ${op} ${rule.threshold})` : '';
  const out: Record<string, string> = {
    summary: rule.summary ?? `${rule.name} on {{ $labels.job }}`,
    // A raw expression's value has no known meaning, so its default description does not show it.
    description:
      rule.description ?? (rule.kind === 'raw' ? `${rule.name} is firing.` : `{{ $labels.job }}: {{ $value | humanize }}${threshold}.`),
  };
  if (rule.runbookUrl) out.runbook_url = rule.runbookUrl;
  return out;
}

export function ruleLabels(rule: AlertRule): Record<string, string> {
  return { ...rule.labels, severity: rule.severity };
}

/** The rule file of a group as a plain object for YAML. */
export function ruleFile(group: RuleGroup): object {
  return {
    groups: [
      {
        name: group.name,
        rules: group.rules.map((rule) => ({
          alert: rule.name,
          expr: alertExpr(rule),
          ...(rule.for !== '0s' ? { for: rule.for } : {}),
          labels: ruleLabels(rule),
          annotations: annotations(rule),
        })),
      },
    ],
  };
}
