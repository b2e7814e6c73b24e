/**
 * Metric mapping: the catalog, the rule tests and the dashboards are written against the LOGICAL names of the metric
 * families (metrics/families.ts, `metricFamilies`); a scrape target says how its exporter really names them
 * (`scrapeTargets[].metrics.<family>`: `names`, `labels`, `values`). This module rewrites alert specs and queries
 * from logical to exported names, one scrape job at a time, and checks the mappings.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { AlertRule } from './alerts';
import type { FamilyMappingConfig, Stack } from './schema';
import { parsePromQL } from './promql';
import { seriesNames, stackFamilies } from './metrics';

export type Mapping = FamilyMappingConfig;
type Families = ReturnType<typeof stackFamilies>;

const IDENTITY: Mapping = { names: {}, labels: {}, values: {} };

/** Labels the stack itself sets or reads (scrape, service, histogram buckets): a mapping cannot produce them. */
export const RESERVED_LABELS = ['job', 'instance', 'service', 'le'];

/** A family's mapping on the target of `job` (identity when the target maps nothing). */
export function familyMapping(stack: Stack, job: string, family: string): Mapping {
  const m = stack.scrapeTargets.find((t) => t.job === job)?.metrics[family];
  return m ? { ...IDENTITY, ...m } : IDENTITY;
}

/** A family's series under the names the target of `job` exports them. */
export function exportedSeries(stack: Stack, job: string, family: string, families: Families = stackFamilies(stack)): string[] {
  const m = familyMapping(stack, job, family);
  return Object.entries(families[family] ?? {}).flatMap(([name, def]) => seriesNames(m.names[name] ?? name, def));
}

// ---------------------------------------------------------------------------------------------------------------
// Rewriting one selector

/** A label value as the exporter writes it: an exact key, else the first key that matches it as a regex. */
export function mapValue(m: Mapping, label: string, value: string): string {
  const table = m.values[label];
  if (!table) return value;
  if (value in table) return table[value];
  const key = Object.keys(table).find((k) => new RegExp(`^(?:${k})$`).test(value));
  return key === undefined ? value : table[key];
}

/** Sample labels of a series (rule-test input), renamed and with their values mapped. */
export function mapSample(m: Mapping, sample: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(sample).map(([k, v]) => [m.labels[k] ?? k, mapValue(m, k, v)]));
}

/**
 * A matcher list (`status=~"5.."`): label names renamed; a value that is a key of `values` becomes the exported
 * value, matched exactly (`=~"5.."` → `="5xx"`, `!~` → `!=`). Unchanged text when nothing applies.
 */
export function mapMatchers(m: Mapping, matchers: string | undefined): string | undefined {
  if (!matchers || (Object.keys(m.labels).length === 0 && Object.keys(m.values).length === 0)) return matchers;
  const parsed = parsePromQL(`x{${matchers}}`).selectors[0]?.matchers ?? [];
  let changed = false;
  const out = parsed.map(({ label, op, value }) => {
    const table = m.values[label];
    const mapped = table && value in table;
    const name = m.labels[label] ?? label;
    if (!mapped && name === label) return `${label}${op}${JSON.stringify(value)}`;
    changed = true;
    const exactOp = mapped ? op.replace('=~', '=').replace('!~', '!=') : op;
    return `${name}${exactOp}${JSON.stringify(mapped ? table[value] : value)}`;
  });
  return changed ? out.join(',') : matchers;
}

/** `{{ $labels.status }}` → `{{ $labels.code }}` in annotation templates. */
export function mapTemplate(m: Mapping, text: string | undefined): string | undefined {
  if (!text || Object.keys(m.labels).length === 0) return text;
  return text.replace(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g, (all, name: string) => (m.labels[name] ? `$labels.${m.labels[name]}` : all));
}

// ---------------------------------------------------------------------------------------------------------------
// Alerts

type Typed = Exclude<AlertRule, { kind: 'raw' }>;

/**
 * Applies the targets' mappings to resolved alert rules. A rule whose jobs export differently becomes one rule per
 * group of jobs that export alike (same alert name, each pinned to its jobs); without mappings rules pass unchanged.
 */
export function alertMapper(stack: Stack): (rule: AlertRule) => AlertRule[] {
  if (!stack.scrapeTargets.some((t) => Object.keys(t.metrics).length > 0)) return (rule) => [rule];
  const families = stackFamilies(stack);
  const ruleSets = new Map(stack.scrapeTargets.map((t) => [t.job, t.ruleSets]));
  /** The mapping of the family (among the job's) that defines a logical metric name. */
  const mappingFor = (job: string, metric: string): Mapping => {
    const family = (ruleSets.get(job) ?? []).find((f) => families[f] && metric in families[f]);
    return family ? familyMapping(stack, job, family) : IDENTITY;
  };
  return (rule) => {
    if (rule.kind === 'raw' || rule.jobs.length === 0) return [rule];
    const groups = new Map<string, AlertRule>();
    for (const job of rule.jobs) {
      const mapped = mapRule(rule, (metric) => mappingFor(job, metric));
      const key = JSON.stringify(mapped);
      const group = groups.get(key);
      if (group) group.jobs.push(job);
      else groups.set(key, { ...mapped, jobs: [job] });
    }
    return [...groups.values()];
  };
}

/** One rule's spec as one job exports it (jobs left to the caller). */
function mapRule(rule: Typed, mappingOf: (metric: string) => Mapping): Typed {
  const name = (metric: string) => mappingOf(metric).names[metric] ?? metric;
  const texts = (m: Mapping) => ({
    summary: mapTemplate(m, rule.summary),
    description: mapTemplate(m, rule.description),
    ...(rule.annotations ? { annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, mapTemplate(m, v)!])) } : {}),
  });
  const base = { ...rule, jobs: [] };
  switch (rule.kind) {
    case 'ratio': {
      const num = mappingOf(rule.numerator.metric);
      const den = mappingOf(rule.denominator.metrics[0]);
      return {
        ...base,
        ...texts(num),
        numerator: { metric: name(rule.numerator.metric), matchers: mapMatchers(num, rule.numerator.matchers), sample: mapSample(num, rule.numerator.sample) },
        denominator: { metrics: rule.denominator.metrics.map(name), matchers: mapMatchers(den, rule.denominator.matchers), sample: mapSample(den, rule.denominator.sample) },
      } as Typed;
    }
    case 'latency': {
      const m = mappingOf(rule.histogram);
      return { ...base, ...texts(m), histogram: name(rule.histogram), matchers: mapMatchers(m, rule.matchers) } as Typed;
    }
    case 'gauge':
    case 'increase': {
      const m = mappingOf(rule.metric);
      return { ...base, ...texts(m), metric: name(rule.metric), matchers: mapMatchers(m, rule.matchers), sample: mapSample(m, rule.sample) } as Typed;
    }
    case 'down':
      return { ...base, ...texts(mappingOf(rule.metric)), metric: name(rule.metric) } as Typed;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Queries (dashboards)

/** A dashboard query as the stack's targets export it, and the label renames its legend must follow. */
export interface MappedQuery {
  expr: string;
  labels: Record<string, string>;
}

/**
 * Rewrites a PromQL query from logical to exported names. Metric names: when the targets of a family export one
 * metric under several names, the selector matches all of them (`{__name__=~"a|b", …}`), so a `job` variable over
 * those targets keeps working. Label names and values: only where every target of the metric's family maps them
 * alike (matchers, then `by`/`without`/`on`/`ignoring` labels); where targets disagree, they stay logical.
 */
export function mapQuery(expr: string, stack: Stack): MappedQuery {
  const names = exportedNames(stack);
  const uniform = uniformMappings(stack);
  if (names.size === 0 && uniform.size === 0) return { expr, labels: {} };
  const edits: Array<{ from: number; to: number; text: string }> = [];
  const renames = new Map<string, string | null>();
  const grouping: Array<{ from: number; to: number }> = [];
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.name === 'GroupingLabels') {
        ref.node.getChildren('LabelName').forEach((n) => grouping.push({ from: n.from, to: n.to }));
        return false;
      }
      if (ref.name !== 'VectorSelector') return undefined;
      const ident = ref.node.getChild('Identifier');
      if (!ident) return false;
      const logical = expr.slice(ident.from, ident.to);
      const braces = ref.node.getChild('LabelMatchers');
      const inner = braces ? expr.slice(braces.from + 1, braces.to - 1).trim() : '';
      const m = uniform.get(logical);
      for (const [from, to] of Object.entries(m?.labels ?? {})) renames.set(from, renames.has(from) && renames.get(from) !== to ? null : to);
      const matchers = (m && inner ? mapMatchers(m, inner) : inner) ?? '';
      const exported = names.get(logical) ?? [logical];
      if (exported.length === 1 && exported[0] === logical && matchers === inner) return false;
      const byName = exported.length > 1 ? [`__name__=~"${exported.join('|')}"`] : [];
      const all = [...byName, ...(matchers ? [matchers] : [])].join(',');
      const text = exported.length > 1 ? `{${all}}` : `${exported[0]}${braces ? `{${all}}` : ''}`;
      edits.push({ from: ident.from, to: braces ? braces.to : ident.to, text });
      return false;
    },
  });
  const labels = Object.fromEntries([...renames].filter((e): e is [string, string] => e[1] !== null));
  for (const g of grouping) {
    const to = labels[expr.slice(g.from, g.to)];
    if (to) edits.push({ ...g, text: to });
  }
  edits.sort((a, b) => b.from - a.from);
  return { expr: edits.reduce((text, e) => text.slice(0, e.from) + e.text + text.slice(e.to), expr), labels };
}

/** Logical series name → the exported series names of the targets declaring its family, when any differs. */
function exportedNames(stack: Stack): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  forEachMappedSeries(stack, (logical, exported) => out.set(logical, (out.get(logical) ?? new Set()).add(exported)));
  return new Map([...out].filter(([s, set]) => set.size > 1 || !set.has(s)).map(([s, set]) => [s, [...set].sort()]));
}

/** Logical series name → the label mapping all targets declaring its family share, when it maps anything. */
function uniformMappings(stack: Stack): Map<string, Mapping> {
  const seen = new Map<string, Mapping | null>();
  forEachMappedSeries(stack, (logical, _exported, m) => {
    const prev = seen.get(logical);
    const alike = prev && JSON.stringify([prev.labels, prev.values]) === JSON.stringify([m.labels, m.values]);
    seen.set(logical, prev === undefined || alike ? m : null);
  });
  const maps = (m: Mapping | null): m is Mapping => !!m && (Object.keys(m.labels).length > 0 || Object.keys(m.values).length > 0);
  return new Map([...seen].filter((e): e is [string, Mapping] => maps(e[1])));
}

/** Calls `visit` for every series of every family a target declares, with its exported name and the mapping. */
function forEachMappedSeries(stack: Stack, visit: (logical: string, exported: string, m: Mapping) => void): void {
  const families = stackFamilies(stack);
  for (const t of stack.scrapeTargets) {
    for (const family of t.ruleSets) {
      const m = familyMapping(stack, t.job, family);
      for (const [name, def] of Object.entries(families[family] ?? {})) {
        const exported = seriesNames(m.names[name] ?? name, def);
        seriesNames(name, def).forEach((s, i) => visit(s, exported[i], m));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

type Add = (parts: Array<string | number>, message: string) => void;

/** Families, `ruleSets` and `metrics` mappings: every name must resolve; exported names must not collide. */
export function checkMappings(stack: Stack, add: Add): void {
  const families = stackFamilies(stack);
  checkOwnFamilies(stack, add);
  const known = Object.keys(families);
  stack.scrapeTargets.forEach((t, i) => {
    t.ruleSets.forEach((f, j) => {
      if (!families[f]) add(['scrapeTargets', i, 'ruleSets', j], `unknown metric family "${f}"; expected one of: ${known.join(', ')} (or declare it in metricFamilies)`);
    });
    for (const [family, m] of Object.entries(t.metrics)) {
      const where = ['scrapeTargets', i, 'metrics', family];
      if (!families[family]) add(where, `unknown metric family "${family}"; expected one of: ${known.join(', ')}`);
      else if (!t.ruleSets.includes(family)) add(where, `the target does not list "${family}" in ruleSets; expected a family of: ${t.ruleSets.join(', ') || '(none)'}`);
      else checkFamilyMapping(families[family], m, where, add);
    }
  });
}

function checkOwnFamilies(stack: Stack, add: Add): void {
  const owner = new Map<string, string>();
  for (const [family, defs] of Object.entries(stackFamilies())) for (const name of Object.keys(defs)) owner.set(name, family);
  for (const [family, fam] of Object.entries(stack.metricFamilies)) {
    const where = ['metricFamilies', family];
    if (Object.keys(stackFamilies()).includes(family)) {
      add(where, `"${family}" is a built-in family (metrics/families.ts); expected another name, or scrapeTargets[].metrics.${family} to rename its metrics`);
      continue;
    }
    for (const [name, def] of Object.entries(fam.metrics)) {
      const other = owner.get(name);
      if (other) add([...where, 'metrics', name], `metric "${name}" is already in family "${other}"; expected a name no other family uses`);
      owner.set(name, family);
      if (def.buckets && def.type !== 'histogram') add([...where, 'metrics', name, 'buckets'], `only a histogram has buckets; "${name}" is a ${def.type}`);
      if (def.buckets?.some((b, k) => k > 0 && b <= def.buckets![k - 1])) add([...where, 'metrics', name, 'buckets'], 'expected strictly ascending bucket boundaries');
      def.labels.forEach((l, k) => {
        if (RESERVED_LABELS.includes(l) || l.startsWith('__')) add([...where, 'metrics', name, 'labels', k], `"${l}" is set by the stack; expected another label name`);
      });
    }
  }
}

function checkFamilyMapping(defs: Families[string], m: Mapping, where: Array<string | number>, add: Add): void {
  const metrics = Object.keys(defs);
  const labels = [...new Set(Object.values(defs).flatMap((d) => d.labels))];
  const oneOf = (list: string[]) => `expected one of: ${list.join(', ') || '(none)'}`;
  const exported = new Map<string, string>();
  for (const [name, to] of Object.entries(m.names)) {
    if (!metrics.includes(name)) add([...where, 'names', name], `the family has no metric "${name}"; ${oneOf(metrics)}`);
    else if (exported.has(to)) add([...where, 'names', name], `"${to}" is already the exported name of ${exported.get(to)}; expected one name per metric`);
    exported.set(to, name);
  }
  const exportedLabels = new Map<string, string>();
  for (const [label, to] of Object.entries(m.labels)) {
    if (!labels.includes(label)) add([...where, 'labels', label], `the family has no label "${label}"; ${oneOf(labels)}`);
    else if (RESERVED_LABELS.includes(to) || to.startsWith('__')) add([...where, 'labels', label], `"${to}" is set by the stack (${RESERVED_LABELS.join(', ')}); expected another label name`);
    else if (exportedLabels.has(to)) add([...where, 'labels', label], `"${to}" is already the exported name of label ${exportedLabels.get(to)}`);
    exportedLabels.set(to, label);
  }
  for (const [label, table] of Object.entries(m.values)) {
    if (!labels.includes(label)) {
      add([...where, 'values', label], `the family has no label "${label}"; ${oneOf(labels)}`);
      continue;
    }
    const declared = [...new Set(Object.values(defs).flatMap((d) => d.values?.[label] ?? []))];
    for (const key of Object.keys(table)) {
      if (declared.length && !declared.includes(key)) add([...where, 'values', label, key], `the family's rules use no value "${key}" for ${label}; ${oneOf(declared)}`);
      else if (!compiles(key)) add([...where, 'values', label, key], `"${key}" is not a valid regular expression; expected a value or a pattern such as "5.."`);
    }
  }
}

function compiles(re: string): boolean {
  try {
    new RegExp(`^(?:${re})$`);
    return true;
  } catch {
    return false;
  }
}
