/** config/remote-write: remote-write targets Prometheus can send to without a credential in its config. */
import { plainUrlVerdict } from '../../credential-urls';
import { configCheck } from './lib';

export const remoteWrite = configCheck(
  {
    id: 'config/remote-write',
    description: 'remote-write targets have unique names, plain URLs and one kind of credential',
    explain:
      'Each `prometheus.remoteWrite` entry becomes a remote_write of prometheus.yml (and prometheusSpec.remoteWrite on ' +
      'Kubernetes), so a URL that can carry a credential (user:pass@, a query string, a token-bearing host; ' +
      'src/credential-urls.ts) is refused: credentials are `basicAuth.password` or `bearerToken` secrets, read from ' +
      'files. Prometheus takes one of the two per target, and names identify targets in its metrics.',
  },
  (stack, add) => {
    const seen = new Set<string>();
    stack.prometheus.remoteWrite.forEach((r, i) => {
      const where = ['prometheus', 'remoteWrite', i];
      if (seen.has(r.name)) add([...where, 'name'], `duplicate remote-write name "${r.name}"`);
      seen.add(r.name);
      const verdict = plainUrlVerdict(r.url);
      if (!verdict.ok) add([...where, 'url'], verdict.reason);
      if (r.basicAuth && r.bearerToken) add(where, 'set basicAuth or bearerToken, not both');
    });
  },
);
