/** config/logs: log source jobs are unique and do not collide with the Docker logs job; on a cluster each names its pods. */
import { DOCKER_LOGS_JOB } from '../../render/promtail';
import { checkLabelNames, configCheck } from './lib';

const PODS_EXPECTED =
  'missing: on a kubernetes target a log source reads pods; expected { namespace: "<namespace>", selector: { "<pod label>": "<value>" }, container?: "<name>" }';

export const logs = configCheck(
  {
    id: 'config/logs',
    description: 'log source jobs are unique and not the Docker logs job; on Kubernetes each names its pods',
    explain:
      'Each log source becomes a Promtail scrape config with its Loki job label: two sources with one job mix their ' +
      'streams, and the Docker container logs (dockerDiscovery) have their own job name. "__" label names are reserved. ' +
      'On a kubernetes target with Loki the collector reads pods, not host files, so each source says which (`kubernetes`).',
  },
  (stack, add) => {
    const seen = new Set<string>();
    stack.logs.sources.forEach((s, i) => {
      if (seen.has(s.job)) add(['logs', 'sources', i, 'job'], `duplicate log job "${s.job}"`);
      if (stack.logs.dockerDiscovery && s.job === DOCKER_LOGS_JOB)
        add(['logs', 'sources', i, 'job'], `"${DOCKER_LOGS_JOB}" is the job of the Docker container logs (dockerDiscovery); expected another name`);
      seen.add(s.job);
      checkLabelNames(s.labels, ['logs', 'sources', i, 'labels'], add);
      if (stack.target.kind === 'kubernetes' && stack.components.loki.enabled && !s.kubernetes) add(['logs', 'sources', i, 'kubernetes'], PODS_EXPECTED);
    });
  },
);
