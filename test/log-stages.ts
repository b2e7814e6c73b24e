/**
 * TEST HELPER: reads the stage list of a log source out of a rendered collector config (Promtail YAML or Alloy text)
 * and runs it on a sample line, the way the stages are documented to behave (Loki v3.6.10
 * clients/pkg/logentry/stages/{json,logfmt,regex,labels,structuredmetadata,timestamp}.go; Alloy v1.18.1
 * loki.process.md): json by JMESPath (npm jmespath), logfmt by the npm logfmt parser, regex by named groups.
 */
import * as jmespath from 'jmespath';
import type { AlloyValue } from '../src/render/alloy-syntax';
import { attrOf, findBlocks, parseAlloy } from './alloy-parser';
import { parseYaml } from './helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const logfmt = require('logfmt') as { parse(line: string): Record<string, string | boolean> };

export type StageType = 'json' | 'logfmt' | 'regex' | 'labels' | 'structured_metadata' | 'timestamp';
export interface Stage {
  type: StageType;
  config: Record<string, any>;
}
export interface Entry {
  labels: Record<string, string>;
  metadata: Record<string, string>;
  /** ISO time the timestamp stage set, if it did. */
  timestamp?: string;
}
export interface SourceConfig {
  /** Labels of the file target (without `__path__`). */
  targetLabels: Record<string, string>;
  stages: Stage[];
}

/** The stages Promtail runs for `job`. */
export function promtailSource(yamlText: string, job: string): SourceConfig {
  const sc = parseYaml(yamlText).scrape_configs.find((s: any) => s.job_name === job);
  if (!sc) throw new Error(`no scrape config ${job}`);
  const { __path__, ...targetLabels } = sc.static_configs[0].labels;
  const stages = (sc.pipeline_stages ?? []).map((s: Record<string, any>) => {
    const [type, ...rest] = Object.keys(s);
    if (rest.length) throw new Error(`a stage has one key: ${Object.keys(s)}`);
    return { type, config: s[type] } as Stage;
  });
  return { targetLabels, stages };
}

const plain = (v: AlloyValue | undefined): any =>
  v === undefined || typeof v !== 'object' ? v : Array.isArray(v) ? v.map(plain) : 'object' in v ? Object.fromEntries(Object.entries(v.object).map(([k, x]) => [k, plain(x)])) : v;

/** The stages Alloy runs for the source whose file target has `job`: its loki.source.file's loki.process. */
export function alloySource(text: string, job: string): SourceConfig {
  const tree = parseAlloy(text);
  const match = findBlocks(tree, 'local.file_match').find((b) => plain(attrOf(b.body, 'path_targets'))[0].job === job);
  if (!match) throw new Error(`no local.file_match for ${job}`);
  const { __path__, ...targetLabels } = plain(attrOf(match.body, 'path_targets'))[0];
  const reader = findBlocks(tree, 'loki.source.file').find((b) => (attrOf(b.body, 'targets') as any)?.ref === `local.file_match.${match.label}.targets`);
  const forward = (attrOf(reader!.body, 'forward_to') as any[])[0].ref as string;
  const process = findBlocks(tree, 'loki.process').find((b) => forward === `loki.process.${b.label}.receiver`);
  const stages = (process?.body ?? [])
    .filter((s) => s.kind === 'block' && s.name.startsWith('stage.'))
    .map((s: any) => ({ type: s.name.slice('stage.'.length), config: Object.fromEntries(s.body.map((a: any) => [a.name, a.kind === 'attribute' ? plain(a.value) : undefined])) }));
  // Alloy's stage.labels / stage.structured_metadata take `values`; Promtail's take the map itself.
  return { targetLabels, stages: stages.map((s) => (['labels', 'structured_metadata'].includes(s.type) ? { type: s.type, config: s.config.values } : s)) };
}

const asString = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function extract(stage: Stage, line: string, extracted: Record<string, string>): void {
  const { type, config } = stage;
  if (type === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      return;
    }
    for (const [name, expr] of Object.entries<string>(config.expressions)) {
      const v = jmespath.search(doc as any, expr || name);
      if (v !== null && v !== undefined) extracted[name] = asString(v);
    }
  } else if (type === 'logfmt') {
    const fields = logfmt.parse(line);
    for (const [name, key] of Object.entries<string>(config.mapping)) if ((key || name) in fields) extracted[name] = asString(fields[key || name]);
  } else if (type === 'regex') {
    const m = new RegExp(config.expression.replace(/\(\?P</g, '(?<')).exec(line);
    for (const [k, v] of Object.entries(m?.groups ?? {})) if (v !== undefined) extracted[k] = v;
  }
}

/** Go reference layouts the fixtures use → a JS reader. */
function parseTime(value: string, format: string, location: string): string | undefined {
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
  const naive = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;
  // Go accepts fractional seconds after the seconds field when parsing, even where the layout has none.
  const layouts: Record<string, RegExp> = { RFC3339Nano: zoned, '2006-01-02T15:04:05Z07:00': zoned, '2006-01-02T15:04:05': naive };
  const re = layouts[format];
  if (!re) throw new Error(`the test reads no layout ${format}`);
  if (!re.test(value)) return undefined;
  if (naive.test(value) && location !== 'UTC') throw new Error('the test reads naive times in UTC only');
  return new Date(naive.test(value) ? `${value.slice(0, 23)}Z` : value).toISOString();
}

/** Runs the stages on one line. */
export function runStages(source: SourceConfig, line: string): Entry {
  const extracted: Record<string, string> = {};
  const entry: Entry = { labels: { ...source.targetLabels }, metadata: {} };
  for (const stage of source.stages) {
    if (['json', 'logfmt', 'regex'].includes(stage.type)) extract(stage, line, extracted);
    else if (stage.type === 'labels' || stage.type === 'structured_metadata') {
      const into = stage.type === 'labels' ? entry.labels : entry.metadata;
      for (const [k, from] of Object.entries<string>(stage.config)) if (extracted[from || k]) into[k] = extracted[from || k];
    } else if (stage.type === 'timestamp') {
      const v = extracted[stage.config.source];
      const formats = [stage.config.format, ...(stage.config.fallback_formats ?? [])];
      const t = v === undefined ? undefined : formats.map((f) => parseTime(v, f, stage.config.location)).find((x) => x !== undefined);
      if (t) entry.timestamp = t;
    } else throw new Error(`the test runs no stage ${stage.type}`);
  }
  return entry;
}
