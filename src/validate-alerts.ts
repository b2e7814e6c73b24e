/**
 * Cross-checks of alerts beyond the schema: severity tiers in the order their operator needs, exactly one of
 * `threshold` and `thresholds`, rate windows that hold at least two scrapes of every watched job, known rule
 * groups, and annotation templates the rule-test generator can evaluate.
 */
import type { Stack } from './schema';
import { CATALOG, catalogAlertNames, CatalogAlert } from '../alert-rules/catalog';
import { effectiveCatalogSpec, catalogTiers, GROUP_ORDER } from './alerts';
import { checkTemplate, usesValue, UnsupportedTemplate } from './render/annotations';
import { formatDuration, parseDuration } from './duration';

type Add = (parts: Array<string | number>, message: string) => void;
type Spec = Stack['alerts']['custom'][number];
type Thresholds = Partial<Record<'info' | 'warning' | 'critical', number>>;

const RANK = { info: 0, warning: 1, critical: 2 } as const;
const RESERVED_ANNOTATIONS = ['summary', 'description', 'runbook_url'];

export function checkAlerts(stack: Stack, add: Add): void {
  const catalog = catalogAlertNames();
  for (const [name, override] of Object.entries(stack.alerts.overrides)) {
    const entry = catalog.get(name);
    if (!entry) continue; // reported with the other override checks
    const where = ['alerts', 'overrides', name];
    const tiers = catalogTiers(entry, override);
    if (tiers && override.thresholds) checkTierOrder(tiers, opOf(entry.spec), [...where, 'thresholds'], add);
    checkTexts(override, where, add, false);
    if (override.enabled !== false && stack.alerts.catalog) checkCatalogWindow(stack, entry, override, where, add);
  }
  stack.alerts.custom.forEach((a, i) => {
    const where = ['alerts', 'custom', i];
    checkThresholds(a, where, add);
    checkTexts(a, where, add, a.kind === 'raw' && a.test.value === undefined);
    if ('window' in a) checkWindow(stack, a.name, a.window, a.jobs, [...where, 'window'], add);
  });
  for (const group of Object.keys(stack.alerts.groups)) {
    if (!(GROUP_ORDER as string[]).includes(group))
      add(['alerts', 'groups', group], `no rule group named "${group}"; expected one of: ${GROUP_ORDER.join(', ')}`);
  }
}

const opOf = (spec: CatalogAlert['spec'] | Spec) => (spec.kind === 'gauge' || spec.kind === 'ratio' ? (spec.op ?? '>') : '>');

/** For `>`/`>=` a higher severity needs a higher threshold; for `<`/`<=` a lower one; `==`/`!=` have no order. */
function checkTierOrder(tiers: Thresholds, op: string, path: Array<string | number>, add: Add): void {
  if (op === '==' || op === '!=') {
    add(path, `severity tiers need an ordering operator (>, >=, <, <=), not ${op}; expected "threshold" and "severity"`);
    return;
  }
  const sorted = (Object.entries(tiers) as Array<[keyof typeof RANK, number]>).sort((a, b) => RANK[a[0]] - RANK[b[0]]);
  const rising = op.startsWith('>');
  for (let i = 1; i < sorted.length; i++) {
    const [lowSev, low] = sorted[i - 1];
    const [highSev, high] = sorted[i];
    if (rising ? low < high : low > high) continue;
    add(path, `${lowSev} ${low} must be ${rising ? 'below' : 'above'} ${highSev} ${high} for the operator ${op}; expected ${lowSev} ${rising ? '<' : '>'} ${highSev}`);
  }
}

function checkThresholds(a: Spec, where: Array<string | number>, add: Add): void {
  if (a.kind === 'down' || a.kind === 'raw') return;
  const { threshold, thresholds } = a as Spec & { threshold?: number; thresholds?: Thresholds };
  if (thresholds !== undefined && threshold !== undefined)
    add([...where, 'thresholds'], 'give either "threshold" (one severity) or "thresholds" (one per severity), not both');
  else if (thresholds === undefined && threshold === undefined && a.kind !== 'increase')
    add(where, 'missing threshold; expected "threshold" or "thresholds" (e.g. { warning: 2, critical: 5 })');
  if (thresholds === undefined) return;
  if (Object.keys(thresholds).length === 0) add([...where, 'thresholds'], 'expected at least one severity, e.g. { warning: 2, critical: 5 }');
  else checkTierOrder(thresholds, opOf(a), [...where, 'thresholds'], add);
}

interface Texts {
  summary?: string;
  description?: string;
  annotations?: Record<string, string>;
}

function checkTexts(spec: Texts, where: Array<string | number>, add: Add, valueUnknown: boolean): void {
  const texts: Array<[Array<string | number>, string]> = [];
  if (spec.summary !== undefined) texts.push([[...where, 'summary'], spec.summary]);
  if (spec.description !== undefined) texts.push([[...where, 'description'], spec.description]);
  for (const [key, text] of Object.entries(spec.annotations ?? {})) {
    if (RESERVED_ANNOTATIONS.includes(key)) add([...where, 'annotations', key], `"${key}" has its own field; expected it as ${key === 'runbook_url' ? 'runbookUrl' : key}`);
    texts.push([[...where, 'annotations', key], text]);
  }
  for (const [path, text] of texts) {
    try {
      checkTemplate(text);
    } catch (err) {
      if (!(err instanceof UnsupportedTemplate)) throw err;
      add(path, err.message);
      continue;
    }
    // $value is known for every typed kind; a raw alert must say what it is.
    if (valueUnknown && usesValue(text)) add([...where, 'test', 'value'], `the ${path[path.length - 1]} shows $value, so the test needs "value" (the expression's value while firing)`);
  }
}

function checkCatalogWindow(stack: Stack, entry: CatalogAlert, override: Stack['alerts']['overrides'][string], where: string[], add: Add): void {
  // A window on an alert without one is reported by crossCheck.
  if (!['ratio', 'latency', 'increase'].includes(entry.spec.kind)) return;
  const spec = effectiveCatalogSpec(entry, ['placeholder'], override);
  if (!('window' in spec)) return;
  const jobs = jobsWatching(stack, entry);
  const path = override.window !== undefined ? [...where, 'window'] : where;
  checkWindow(stack, entry.spec.name, spec.window, jobs, path, add);
}

/** Jobs a catalog alert watches (as resolveAlerts picks them), for the window check. */
function jobsWatching(stack: Stack, entry: CatalogAlert): string[] {
  const group = Object.entries(CATALOG).find(([, alerts]) => alerts.includes(entry))?.[0];
  const scope = entry.scope ?? 'ruleSet';
  const user = stack.scrapeTargets.filter((t) => scope === 'allJobs' || t.ruleSets.includes(group as never)).map((t) => t.job);
  // Component jobs scrape at the global interval.
  const own = scope === 'prometheus' || scope === 'alertmanager' ? [scope] : scope === 'allJobs' ? ['prometheus'] : [];
  return [...own, ...user];
}

/** A rate over `window` needs two samples: the window must hold two scrape intervals of every watched job. */
function checkWindow(stack: Stack, name: string, window: string, jobs: string[], path: Array<string | number>, add: Add): void {
  for (const job of new Set(jobs)) {
    const target = stack.scrapeTargets.find((t) => t.job === job);
    const interval = target?.interval ?? stack.prometheus.scrapeInterval;
    if (parseDuration(window) >= 2 * parseDuration(interval)) continue;
    add(path, `the window ${window} of ${name} holds fewer than two scrapes of job "${job}" (scrape interval ${interval}); expected a window of at least ${formatDuration(2 * parseDuration(interval))}`);
  }
}
