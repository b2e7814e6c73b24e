/** config/probes: probes the blackbox exporter can run and Prometheus can scrape (src/validate-probes.ts). */
import { checkProbes } from '../../validate-probes';
import { configCheck } from './lib';

export const probes = configCheck(
  {
    id: 'config/probes',
    description: 'probe names are unique jobs, URLs are plain internal URLs, timeouts fit their interval',
    explain:
      'Each probe is a Prometheus job of its name, so the name must not be taken by another job. Its URL is written ' +
      'into prometheus.yml, so a URL that can carry a credential (user:pass@, a query string, a token-bearing host; ' +
      'src/credential-urls.ts) is refused. A timeout may not exceed the interval, and a published blackbox exporter ' +
      'needs a free host port.',
  },
  (stack, add) => checkProbes(stack, add),
);
