/**
 * Log pipelines, stage by stage: sample lines of each format (test/fixtures/log-samples.ts) run through the stages
 * read back from the rendered Promtail YAML and the rendered Alloy text (test/log-stages.ts) must give the labels,
 * structured metadata and timestamp the samples expect, for both collectors. Bad mappings are rejected with the path.
 */
import { renderStack } from '../src/render';
import type { Stack, StackInput } from '../src/schema';
import { LOG_SAMPLES, LogSample } from './fixtures/log-samples';
import { alloySource, promtailSource, runStages, SourceConfig } from './log-stages';
import { loadFixture, parseYaml, seedInput, validate } from './helpers';

type Collector = 'promtail' | 'alloy';

function stackWith(sources: LogSample['source'][], collector: Collector): Stack {
  const input: StackInput = seedInput();
  input.logs = { ...input.logs, collector, sources };
  return validate(input);
}

function stagesOf(stack: Stack, job: string): SourceConfig {
  const files = renderStack(stack);
  return stack.logs.collector === 'alloy' ? alloySource(files['alloy/config.alloy'], job) : promtailSource(files['promtail/promtail.yaml'], job);
}

const samples = Object.entries(LOG_SAMPLES);

describe.each(['promtail', 'alloy'] as const)('%s: each sample line gives the labels, metadata and timestamp of its format', (collector) => {
  const stack = stackWith(samples.map(([, s]) => s.source), collector);

  test.each(samples)('%s', (_name, sample) => {
    const entry = runStages(stagesOf(stack, sample.source.job), sample.line);
    expect(entry).toEqual({ labels: sample.labels, metadata: sample.metadata, ...(sample.timestamp ? { timestamp: sample.timestamp } : {}) });
  });
});

describe('the log sources of the fixture stacks', () => {
  test.each(['dev', 'prod'] as const)('%s: every JSON source turns the seed line into its labels and metadata, under both collectors', (name) => {
    const fixture = loadFixture(name);
    const seed = LOG_SAMPLES.seedJson;
    for (const collector of ['promtail', 'alloy'] as const) {
      const stack = stackWith(fixture.logs.sources as LogSample['source'][], collector);
      for (const source of fixture.logs.sources.filter((s) => s.format === 'json')) {
        const entry = runStages(stagesOf(stack, source.job), seed.line);
        expect(entry).toEqual({ ...seed, source: undefined, line: undefined, labels: { ...source.labels, ...seed.labels, job: source.job } } as any);
      }
    }
  });
});

describe('failing fixtures: the stage check sees a wrong pipeline', () => {
  const sample = LOG_SAMPLES.seedJson;

  test('no labelFields: the level label is not produced, so the expectation fails', () => {
    const stack = stackWith([{ ...sample.source, labelFields: [] }], 'promtail');
    expect(runStages(stagesOf(stack, sample.source.job), sample.line).labels).toEqual({ job: 'backend_logs' });
  });

  test('a stage list without its labels stage misses them', () => {
    const stages = stagesOf(stackWith([sample.source], 'alloy'), sample.source.job);
    const broken = { ...stages, stages: stages.stages.filter((s) => s.type !== 'labels') };
    expect(runStages(broken, sample.line).labels).not.toEqual(sample.labels);
  });

  test('a structlog source read as the seed JSON format misses its top-level request, user and trace ids', () => {
    const s = LOG_SAMPLES.structlog;
    const stack = stackWith([{ ...s.source, format: 'json' }], 'promtail');
    expect(runStages(stagesOf(stack, s.source.job), s.line).metadata).toEqual({});
  });
});

describe('label mapping: high-cardinality fields are rejected as labels, with the path', () => {
  const bad = (extra: Partial<LogSample['source']>) => () => stackWith([{ ...LOG_SAMPLES.structlog.source, ...extra }], 'promtail');

  test.each(['user_id', 'request_id', 'trace_id'])('%s as a label', (field) => {
    expect(bad({ labelFields: ['level', field] })).toThrow(
      new RegExp(`\\$\\.logs\\.sources\\[0\\]\\.labelFields\\[1\\]: "${field}" is a high-cardinality field \\(one Loki stream per value\\)`),
    );
  });

  test('low-cardinality labels pass: level, logger, service', () => {
    expect(bad({ fields: { level: 'level', logger: 'logger', service: 'service' }, labelFields: ['level', 'logger', 'service'], metadataFields: [] })).not.toThrow();
  });

  test('a label or metadata field the format does not extract', () => {
    expect(bad({ labelFields: ['tenant'] })).toThrow(/labelFields\[0\]: "tenant" is not extracted from the line; expected one of: timestamp, level/);
    expect(bad({ metadataFields: ['level'] })).toThrow(/metadataFields\[0\]: "level" is already a label/);
  });

  test('a regex on a non-plain source, an invalid one and one without named groups', () => {
    expect(bad({ regex: '(?P<a>x)' })).toThrow(/sources\[0\]\.regex: a regex applies to format "plain" only/);
    const plain = (regex: string) => () => stackWith([{ job: 'x', hostPath: '/x', format: 'plain', regex }], 'promtail');
    expect(plain('(?P<a>x')).toThrow(/sources\[0\]\.regex: not a valid regular expression/);
    expect(plain('x+')).toThrow(/sources\[0\]\.regex: expected at least one named group/);
  });

  test('Alloy component labels: jobs that differ only in "-" and "_" collide', () => {
    const src = (job: string) => ({ job, hostPath: '/x', format: 'plain' as const });
    expect(() => stackWith([src('a-b'), src('a_b')], 'alloy')).toThrow(/sources\[1\]\.job: "a_b" and "a-b" are both "a_b"/);
    expect(() => stackWith([src('a-b'), src('a_b')], 'promtail')).not.toThrow();
  });
});

describe('Loki → Jaeger follows the field mapping', () => {
  const derived = (stack: Stack) => {
    const ds = parseYaml(renderStack(stack)['grafana/provisioning/datasources/datasources.yml']).datasources.find((d: any) => d.type === 'loki');
    return new RegExp(ds.jsonData.derivedFields[0].matcherRegex);
  };
  const trace = '4bf92f3577b34da6a3ce929d0e0e4736';

  test('a logfmt source that names its trace id "traceID": the derived field finds it there and in structlog lines', () => {
    const logfmt = { ...LOG_SAMPLES.logfmt.source, fields: { level: 'level', trace_id: 'traceID' }, labelFields: ['level'], metadataFields: ['trace_id'] };
    const stack = stackWith([logfmt, LOG_SAMPLES.structlog.source], 'alloy');
    const re = derived(stack);
    expect(re.exec(`level=info traceID=${trace} msg=x`)?.[1]).toBe(trace);
    expect(re.exec(LOG_SAMPLES.structlog.line)?.[1]).toBe(trace);
    // The trace id reaches structured metadata under the extracted name.
    expect(runStages(stagesOf(stack, logfmt.job), `level=info traceID=${trace}`).metadata).toEqual({ trace_id: trace });
  });

  test('failing fixture: with only the seed key, a "traceID=" line is not matched', () => {
    expect(derived(stackWith([LOG_SAMPLES.seedJson.source], 'promtail')).exec(`level=info traceID=${trace}`)).toBeNull();
  });
});
