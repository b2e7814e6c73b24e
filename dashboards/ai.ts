/**
 * AI (seeds: AI dashboard; AI response times): generation time, token use, errors, cache hit rate and requests by
 * model, for the targets that declare the `ai` family. Left out when none does.
 */
import { jobsWithFamily, metric } from '../src/metrics';
import { buildDashboard, DashboardDefinition, latencyQueries, promql, quantile, Section, statPanel, sumRate, targetVariables, timeseriesPanel, upStatPanel } from './lib';

const J = 'job=~"$job",instance=~"$instance"';

export const ai: DashboardDefinition = {
  uid: 'stack-ai',
  title: 'AI',
  folder: 'Application',
  build(stack) {
    const jobs = jobsWithFamily(stack, 'ai');
    if (jobs.length === 0 || !stack.components.prometheus.enabled) return undefined;
    const requests = metric('ai', 'ai_requests_total');
    const duration = metric('ai', 'ai_request_duration_seconds');
    const tokens = metric('ai', 'ai_tokens_total');
    const hits = metric('ai', 'ai_cache_hits_total');
    const misses = metric('ai', 'ai_cache_misses_total');
    const errorRatio = (by: string[]) => `${sumRate(`${requests}{${J},status="error"}`, by)} / ${sumRate(`${requests}{${J}}`, by)}`;
    const hitRatio = (by: string[]) => `${sumRate(`${hits}{${J}}`, by)} / (${sumRate(`${hits}{${J}}`, by)} + ${sumRate(`${misses}{${J}}`, by)})`;

    const sections: Section[] = [
      {
        title: 'Summary',
        panels: [
          statPanel('AI requests', [promql(sumRate(`${requests}{${J}}`), 'requests/s', { instant: true })], {
            unit: 'reqps',
            description: 'AI generation requests per second, all models.',
          }),
          statPanel('Error ratio', [promql(errorRatio([]), 'errors', { instant: true })], {
            unit: 'percentunit',
            thresholds: [
              { value: null, color: 'green' },
              { value: 0.05, color: 'red' },
            ],
            description: 'Share of failed generations (alert above 5%).',
          }),
          statPanel('p95 generation time', [promql(quantile(0.95, duration, J), 'p95', { instant: true })], {
            unit: 's',
            description: '95th percentile of AI generation time, all models.',
          }),
          statPanel('Cache hit rate', [promql(hitRatio([]), 'hits', { instant: true })], {
            unit: 'percentunit',
            description: 'Share of AI requests served from the response cache.',
          }),
          upStatPanel('AI backend', `${metric('ai', 'ai_up')}{${J}}`, '{{job}} {{instance}}', {
            width: 24,
            height: 3,
            description: 'Whether each app reaches its AI model backend (its own health check, independent of traffic; alert: down).',
          }),
        ],
      },
      {
        title: 'Generation',
        panels: [
          timeseriesPanel('Generation time p50 / p95 / p99', latencyQueries(duration, J, [], ''), {
            unit: 's',
            description: 'AI response time quantiles; exemplars link to the trace of a generation.',
          }),
          timeseriesPanel('p95 generation time by model', [promql(quantile(0.95, duration, J, ['model']), '{{model}}', { exemplar: true })], {
            unit: 's',
            description: '95th percentile of generation time per model; exemplars link to traces.',
          }),
          timeseriesPanel('Requests by model', [promql(sumRate(`${requests}{${J}}`, ['model', 'status']), '{{model}} {{status}}')], {
            unit: 'reqps',
            description: 'Generation requests per second by model and outcome.',
          }),
          timeseriesPanel('Errors by model', [promql(errorRatio(['model']), '{{model}}')], {
            unit: 'percentunit',
            min: 0,
            description: 'Share of failed generations per model.',
          }),
        ],
      },
      {
        title: 'Tokens and cache',
        panels: [
          timeseriesPanel('Tokens', [promql(sumRate(`${tokens}{${J}}`, ['model', 'type']), '{{model}} {{type}}')], {
            unit: 'short',
            description: 'Prompt and completion tokens per second.',
          }),
          timeseriesPanel('Cache hit rate by model', [promql(hitRatio(['model']), '{{model}}')], {
            unit: 'percentunit',
            min: 0,
            max: 1,
            description: 'Share of requests per model served from the response cache.',
          }),
        ],
      },
    ];
    return buildDashboard({
      stack,
      uid: this.uid,
      title: this.title,
      description: `AI generation of the ${stack.name} stack: time, tokens, errors, cache.`,
      tags: ['ai'],
      variables: targetVariables(jobs),
      sections,
    });
  },
};
