/**
 * Performance (seeds: Performance dashboard; database query performance, system resources): latency by endpoint,
 * CPU and memory, cache hit rates, database query time and connections, and the Redis and PostgreSQL exporters.
 * Each row appears only when some scrape target declares its metric family.
 */
import type { RuleSetName } from '../src/schema';
import { jobsWithFamily, metric } from '../src/metrics';
import { buildDashboard, DashboardDefinition, latencyQueries, promql, quantile, Section, sumRate, targetVariables, timeseriesPanel, upStatPanel } from './lib';

const J = 'job=~"$job",instance=~"$instance"';
const FAMILIES: RuleSetName[] = ['http', 'system', 'cache', 'database', 'redis', 'postgres'];

export const performance: DashboardDefinition = {
  uid: 'stack-performance',
  title: 'Performance',
  folder: 'Application',
  build(stack) {
    if (!stack.components.prometheus.enabled) return undefined;
    const has = (f: RuleSetName) => jobsWithFamily(stack, f).length > 0;
    const jobs = [...new Set(FAMILIES.flatMap((f) => jobsWithFamily(stack, f)))];
    const hits = metric('cache', 'cache_hits_total');
    const misses = metric('cache', 'cache_misses_total');
    const redisHits = metric('redis', 'redis_keyspace_hits_total');
    const redisMisses = metric('redis', 'redis_keyspace_misses_total');

    const sections: Section[] = [
      {
        title: 'Latency',
        panels: has('http')
          ? [
              timeseriesPanel('p95 latency by endpoint', [promql(quantile(0.95, metric('http', 'http_request_duration_seconds'), J, ['endpoint']), '{{endpoint}}', { exemplar: true })], {
                unit: 's',
                description: 'p95 HTTP request duration per endpoint; exemplars link to traces.',
              }),
              timeseriesPanel('Request rate by endpoint', [promql(sumRate(`${metric('http', 'http_requests_total')}{${J}}`, ['endpoint']), '{{endpoint}}')], {
                unit: 'reqps',
                description: 'HTTP requests per second per endpoint.',
              }),
            ]
          : [],
      },
      {
        title: 'Resources',
        panels: has('system')
          ? [
              timeseriesPanel('CPU usage', [promql(`${metric('system', 'system_cpu_usage')}{${J}}`, '{{job}} {{instance}}')], {
                unit: 'percent', min: 0, max: 100, width: 8, description: 'Alerts: warning above 60%, critical above 80%.',
              }),
              timeseriesPanel('Memory usage', [promql(`${metric('system', 'system_memory_usage')}{${J}}`, '{{job}} {{instance}}')], {
                unit: 'percent', min: 0, max: 100, width: 8, description: 'Alerts: warning above 60%, critical above 80%.',
              }),
              timeseriesPanel('Disk usage', [promql(`${metric('system', 'system_disk_usage')}{${J}}`, '{{job}} {{instance}}')], {
                unit: 'percent', min: 0, max: 100, width: 8, description: 'Alerts: warning above 85%, critical above 95%.',
              }),
            ]
          : [],
      },
      {
        title: 'Cache',
        panels: [
          ...(has('cache')
            ? [
                timeseriesPanel(
                  'Cache hit rate',
                  [promql(`${sumRate(`${hits}{${J}}`, ['job', 'cache'])} / (${sumRate(`${hits}{${J}}`, ['job', 'cache'])} + ${sumRate(`${misses}{${J}}`, ['job', 'cache'])})`, '{{job}} {{cache}}')],
                  { unit: 'percentunit', min: 0, max: 1, description: 'Share of cache lookups that hit (alert when misses exceed 50%).' },
                ),
              ]
            : []),
          ...(has('redis')
            ? [
                timeseriesPanel(
                  'Redis keyspace hit rate',
                  [promql(`${sumRate(`${redisHits}{${J}}`, ['job'])} / (${sumRate(`${redisHits}{${J}}`, ['job'])} + ${sumRate(`${redisMisses}{${J}}`, ['job'])})`, '{{job}}')],
                  { unit: 'percentunit', min: 0, max: 1, description: 'Share of Redis key lookups that found the key.' },
                ),
                upStatPanel('Redis up', `${metric('redis', 'redis_up')}{${J}}`, '{{job}}', { width: 4, height: 8, description: 'Whether the exporter reaches Redis (alert: down).' }),
                timeseriesPanel(
                  'Redis memory',
                  [
                    promql(`${metric('redis', 'redis_memory_used_bytes')}{${J}}`, '{{job}} used'),
                    promql(`${metric('redis', 'redis_memory_max_bytes')}{${J}} > 0`, '{{job}} maxmemory'),
                  ],
                  { unit: 'bytes', width: 10, description: 'Memory Redis uses, against its maxmemory when one is set.' },
                ),
                timeseriesPanel('Redis clients', [promql(`${metric('redis', 'redis_connected_clients')}{${J}}`, '{{job}}')], { unit: 'short', width: 10, description: 'Clients connected to Redis.' }),
                timeseriesPanel('Redis evictions', [promql(sumRate(`${metric('redis', 'redis_evicted_keys_total')}{${J}}`, ['job']), '{{job}}')], {
                  unit: 'ops', min: 0, width: 12, description: 'Keys evicted per second because Redis reached maxmemory.',
                }),
                timeseriesPanel('Redis keys', [promql(`sum by (job, db) (${metric('redis', 'redis_db_keys')}{${J}})`, '{{job}} {{db}}')], {
                  unit: 'short', min: 0, width: 12, description: 'Keys per Redis database.',
                }),
              ]
            : []),
        ],
      },
      {
        title: 'Database',
        panels: [
          ...(has('database')
            ? [
                timeseriesPanel('Query time p50 / p95 / p99', latencyQueries(metric('database', 'db_query_duration_seconds'), J, ['job'], '{{job}} '), {
                  unit: 's', width: 8, description: 'Database query duration quantiles (alert: p95 above 0.5 s); exemplars link to traces.',
                }),
                timeseriesPanel('Queries', [promql(sumRate(`${metric('database', 'db_queries_total')}{${J}}`, ['job']), '{{job}}')], {
                  unit: 'ops',
                  width: 8,
                  description: 'Database queries per second.',
                }),
                timeseriesPanel('Connections', [promql(`sum by (job, database) (${metric('database', 'db_connections')}{${J}})`, '{{job}} {{database}}')], {
                  unit: 'short', min: 0, width: 8, description: 'Open pool connections (alert above 80).',
                }),
              ]
            : []),
          ...(has('postgres')
            ? [
                upStatPanel('PostgreSQL up', `${metric('postgres', 'pg_up')}{${J}}`, '{{job}}', { width: 4, height: 8, description: 'Whether the exporter reaches PostgreSQL (alert: down).' }),
                timeseriesPanel(
                  'PostgreSQL connections',
                  [
                    promql(`sum by (job, datname) (${metric('postgres', 'pg_stat_database_numbackends')}{${J}})`, '{{job}} {{datname}}'),
                    promql(`${metric('postgres', 'pg_settings_max_connections')}{${J}}`, '{{job}} max_connections'),
                  ],
                  { unit: 'short', min: 0, width: 10, description: 'Backends per database against the server\'s max_connections.' },
                ),
                timeseriesPanel(
                  'PostgreSQL transactions',
                  [
                    promql(sumRate(`${metric('postgres', 'pg_stat_database_xact_commit')}{${J}}`, ['job']), '{{job}} commit'),
                    promql(sumRate(`${metric('postgres', 'pg_stat_database_xact_rollback')}{${J}}`, ['job']), '{{job}} rollback'),
                  ],
                  { unit: 'ops', width: 10, description: 'Committed and rolled back transactions per second.' },
                ),
                timeseriesPanel('PostgreSQL database size', [promql(`${metric('postgres', 'pg_database_size_bytes')}{${J}}`, '{{job}} {{datname}}')], {
                  unit: 'bytes', min: 0, width: 24, description: 'Size of each database on disk.',
                }),
              ]
            : []),
        ],
      },
    ];
    return buildDashboard({
      stack,
      uid: this.uid,
      title: this.title,
      description: `Latency, resources, caches and databases of the ${stack.name} stack's targets.`,
      tags: ['performance'],
      variables: targetVariables(jobs),
      sections,
    });
  },
};
