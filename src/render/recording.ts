/**
 * Recording rules for expressions that several alerting rules of one group share: the rate sums of ratios (the
 * same total under a 5xx and a 4xx alert, the misses counted twice in a miss ratio) and the quantile that each
 * severity tier of a latency alert compares. Prometheus then computes each once per evaluation; the alerts read the
 * recorded series. A term used once stays inline. Pure: the plan depends only on the group.
 */
import type { AlertRule, RuleGroup } from '../alerts';
import { jobMatcher, selector } from '../promql';

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface RecordingPlan {
  /** In first-use order; the group evaluates them before its alerts. */
  records: RecordingRule[];
  /** A rule's expression with each of its recorded terms replaced by the recorded series' name. */
  apply(rule: AlertRule, expr: string): string;
}

interface Term {
  text: string;
  /** `<level>:<metric>:<operation>` without the group: e.g. `job_service:http_requests:rate5m`. */
  name: string;
}

/** The terms of a rule's expression that a recording rule can stand for (as alertExpr writes them). */
export function ruleTerms(rule: AlertRule): Term[] {
  if (rule.kind !== 'ratio' && rule.kind !== 'latency') return [];
  const job = rule.jobs.length ? jobMatcher(rule.jobs) : undefined;
  const window = rule.window;
  const rate = (metric: string, matchers?: string): Term => ({
    text: `sum by (job, service) (rate(${selector(metric, job, matchers)}[${window}]))`,
    name: `job_service:${metric.replace(/_total$/, '')}:rate${window}`,
  });
  if (rule.kind === 'ratio') {
    return [rate(rule.numerator.metric, rule.numerator.matchers), ...rule.denominator.metrics.map((m) => rate(m, rule.denominator.matchers))];
  }
  const inner = `sum by (job, service, le) (rate(${selector(`${rule.histogram}_bucket`, job, rule.matchers)}[${window}]))`;
  // p95, p99, p99_9: the quantile in percent, a dot as `_` (metric names allow no dot).
  const q = String(Math.round(rule.quantile * 1000) / 10).replace('.', '_');
  return [{ text: `histogram_quantile(${rule.quantile}, ${inner})`, name: `job_service:${rule.histogram}:p${q}_${window}` }];
}

/**
 * Recording rules for the terms that occur more than once in the group (a term twice in one rule counts twice).
 * A term can only occur in the expressions of rules that have it among their own terms, so each rule counts its own.
 */
export function recordingPlan(group: RuleGroup, exprOf: (rule: AlertRule) => string): RecordingPlan {
  const uses = new Map<string, { term: Term; count: number }>();
  for (const rule of group.rules) {
    const terms = ruleTerms(rule);
    if (terms.length === 0) continue;
    const expr = exprOf(rule);
    for (const term of new Map(terms.map((t) => [t.text, t])).values()) {
      const use = uses.get(term.text) ?? { term, count: 0 };
      use.count += expr.split(term.text).length - 1;
      uses.set(term.text, use);
    }
  }
  const recordOf = new Map<string, string>();
  const taken = new Set<string>();
  for (const { term, count } of uses.values()) {
    if (count < 2) continue;
    // The group's name first: recorded series are global, two files must never record the same name.
    const base = `${group.name.replace(/[^A-Za-z0-9_]/g, '_')}:${term.name}`;
    let record = base;
    for (let i = 2; taken.has(record); i++) record = `${base}_${i}`;
    taken.add(record);
    recordOf.set(term.text, record);
  }
  return {
    records: [...recordOf].map(([expr, record]) => ({ record, expr })),
    apply: (rule, expr) => ruleTerms(rule).reduce((e, t) => (recordOf.has(t.text) ? e.split(t.text).join(recordOf.get(t.text)!) : e), expr),
  };
}
