/**
 * LogQL stream selectors in the rendered dashboards use only labels some log pipeline of the stack produces
 * (src/logs/pipeline.ts producedLabels): a selector on a label no pipeline sets matches nothing, silently.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { renderStack } from '../src/render';
import { producedLabels } from '../src/logs/pipeline';
import { DATASOURCE_UIDS } from '../src/datasources';
import type { Stack } from '../src/schema';
import { LOG_SAMPLES } from './fixtures/log-samples';
import { loadFixture, seedInput, validate } from './helpers';

/** Label names in the stream selectors (`{…}`) of a LogQL expression; label filters after `|` are not selectors. */
function selectorLabels(expr: string): string[] {
  const concrete = expr.replace(/\[\$__\w+\]/g, '[5m]').replace(/\$\{?\w+\}?/g, 'x');
  const out: string[] = [];
  logqlParser.parse(concrete).iterate({
    enter: (ref) => {
      if (ref.name !== 'Selector') return undefined;
      ref.node.cursor().iterate((m) => {
        const id = m.name === 'Matcher' ? m.node.getChild('Identifier') : null;
        if (id) out.push(concrete.slice(id.from, id.to));
        return m.name !== 'Matcher';
      });
      return false;
    },
  });
  return out;
}

/** Every Loki query of the rendered dashboards. */
function lokiQueries(files: Record<string, string>): string[] {
  const out: string[] = [];
  const walk = (node: any, ds?: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, ds));
    if (!node || typeof node !== 'object') return;
    const here = node.datasource?.uid ?? ds;
    // Panels name Loki by uid or through the `loki_datasource` variable (dashboards/lib.ts).
    if (typeof node.expr === 'string' && (here === DATASOURCE_UIDS.loki || here === '${loki_datasource}')) out.push(node.expr);
    Object.values(node).forEach((v) => walk(v, here));
  };
  for (const [k, v] of Object.entries(files)) if (k.startsWith('grafana/dashboards/') && k.endsWith('.json')) walk(JSON.parse(v));
  return out;
}

const unknownLabels = (stack: Stack, queries: string[]) => {
  const produced = producedLabels(stack);
  return queries.flatMap((q) => selectorLabels(q).filter((l) => !produced.includes(l)).map((l) => `${l} in ${q}`));
};

function withSources(collector: 'promtail' | 'alloy'): Stack {
  const input = seedInput();
  input.logs = { ...input.logs, collector, sources: Object.values(LOG_SAMPLES).map((s) => s.source) };
  return validate(input);
}

describe('LogQL selects only labels the log pipelines produce', () => {
  test.each([
    ['dev', () => loadFixture('dev')],
    ['prod', () => loadFixture('prod')],
    ['every sample format, Promtail', () => withSources('promtail')],
    ['every sample format, Alloy', () => withSources('alloy')],
  ])('%s', (_name, make) => {
    const stack = make();
    const queries = lokiQueries(renderStack(stack));
    expect(queries.length).toBeGreaterThan(0);
    expect(unknownLabels(stack, queries)).toEqual([]);
  });

  test('failing fixtures: a selector on a metadata field or a label no source sets is caught', () => {
    const stack = loadFixture('dev');
    expect(unknownLabels(stack, ['{job="backend_logs", user_id="u-1"}', 'sum(count_over_time({team="edge"} | json [5m]))'])).toEqual([
      'user_id in {job="backend_logs", user_id="u-1"}',
      'team in sum(count_over_time({team="edge"} | json [5m]))',
    ]);
    // A label filter after the pipe is not a stream selector.
    expect(selectorLabels('{job="a"} | json | level="ERROR"')).toEqual(['job']);
  });
});
