/**
 * Loki as a single binary with filesystem storage: TSDB index, schema v13, and the compactor applying the stack's
 * log retention (`logs.retention`). Everything Loki writes lives under its data volume (`/loki`).
 */
import type { Stack } from '../schema';
import { AddressOf, CONTAINER_PORTS, dockerAddress } from '../jobs';
import { RUNTIME } from '../containers';

/** The first (and only) schema period. A fixed date keeps the file stable; it only has to predate any data. */
export const LOKI_SCHEMA_FROM = '2024-01-01';

export function lokiConfig(stack: Stack, addressOf: AddressOf = dockerAddress): object {
  const data = RUNTIME.loki.dataDir;
  const retention = stack.logs.retention;
  return {
    auth_enabled: false,
    server: {
      http_listen_port: CONTAINER_PORTS.loki,
      grpc_listen_port: 9096,
      log_level: 'info',
    },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: data,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: {
        filesystem: {
          chunks_directory: `${data}/chunks`,
          rules_directory: `${data}/rules`,
        },
      },
    },
    schema_config: {
      configs: [
        {
          from: LOKI_SCHEMA_FROM,
          store: 'tsdb',
          object_store: 'filesystem',
          schema: 'v13',
          index: { prefix: 'index_', period: '24h' },
        },
      ],
    },
    // Repeated dashboard range queries are answered from memory. `cache_results` defaults to false, and without it
    // `results_cache` only backs the stats/volume/series/label caches (Loki v3.7.2
    // pkg/querier/queryrange/queryrangebase/roundtrip.go: CacheResults; pkg/querier/queryrange/roundtrip.go:152;
    // docs/sources/shared/configuration.md, `query_range` and `embedded_cache`).
    query_range: { cache_results: true, results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: 100 } } } },
    limits_config: {
      retention_period: retention,
      // Lines older than the retention would be deleted at once: refuse them.
      reject_old_samples: true,
      reject_old_samples_max_age: retention,
      allow_structured_metadata: true,
      volume_enabled: true,
    },
    compactor: {
      working_directory: `${data}/compactor`,
      compaction_interval: '10m',
      retention_enabled: true,
      retention_delete_delay: '2h',
      delete_request_store: 'filesystem',
    },
    // Rules come from `common.storage` (`rules_directory`); alerts from LogQL rules go to the stack's Alertmanager.
    ruler: { alertmanager_url: `http://${addressOf('alertmanager', CONTAINER_PORTS.alertmanager)}` },
    analytics: { reporting_enabled: false },
  };
}
