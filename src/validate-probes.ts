/**
 * Checks of `probes` beyond the JSON Schema: a unique job name, a plain internal URL (the URL is written into
 * prometheus.yml, so one that can carry a credential is refused, as for receiver URLs; src/credential-urls.ts), a
 * timeout within the interval, no reserved labels, and a blackbox exporter to run them.
 */
import { COMPONENT_NAMES, Stack } from './schema';
import { jaegerPorts } from './containers';
import { plainUrlVerdict } from './credential-urls';
import { parseDuration } from './duration';
import { blackboxDeployed, scrapeJobs } from './jobs';

type Add = (parts: Array<string | number>, message: string) => void;

/** Reports each problem of the stack's probes by JSON path (src/checks/config/probes.ts). */
export function checkProbes(stack: Stack, add: Add): void {
  if (stack.probes.length && !stack.components.blackbox.enabled)
    add(['components', 'blackbox', 'enabled'], 'the stack has probes, which the blackbox exporter runs; expected it enabled (or no probes)');
  const publishedBy = blackboxDeployed(stack) && stack.components.blackbox.publish ? portOwner(stack, stack.components.blackbox.port) : undefined;
  if (publishedBy) add(['components', 'blackbox', 'port'], `host port ${stack.components.blackbox.port} is already used by ${publishedBy}; expected a free port`);
  const clash = blackboxDeployed(stack) ? stack.scrapeTargets.findIndex((t) => t.job === 'blackbox') : -1;
  if (clash >= 0) add(['scrapeTargets', clash, 'job'], 'duplicate job name "blackbox" (already the self-scrape job of blackbox, which the probes bring); expected a unique job name');
  // Every job but the probes' own, which are checked in order below.
  const taken = new Map(scrapeJobs(stack).filter((j) => !j.probe).map((j) => [j.job, j.component ? `the self-scrape job of ${j.component}` : 'a scrape target'] as const));
  stack.probes.forEach((p, i) => {
    const other = taken.get(p.name);
    if (other) add(['probes', i, 'name'], `duplicate job name "${p.name}" (already ${other}); expected a unique job name`);
    else taken.set(p.name, `probes[${i}]`);
    urlProblem(p.url, ['probes', i, 'url'], add);
    const interval = p.interval ?? stack.prometheus.scrapeInterval;
    if (p.timeout && parseDuration(p.timeout) > parseDuration(interval))
      add(['probes', i, 'timeout'], `probe timeout ${p.timeout} is longer than its interval ${interval}; expected a timeout no longer than the interval`);
    for (const label of Object.keys(p.labels))
      if (label.startsWith('__')) add(['probes', i, 'labels', label], 'label names starting with "__" are reserved for Prometheus');
  });
}

/** The core component field that publishes TCP host port `port`, if any (validate.ts checks them among themselves). */
function portOwner(stack: Stack, port: number): string | undefined {
  for (const c of COMPONENT_NAMES) {
    const comp = stack.components[c];
    if (!comp.enabled || !comp.publish) continue;
    if (comp.port === port) return `components.${c}.port`;
    if (c === 'jaeger') {
      const p = jaegerPorts(stack.components.jaeger).find((j) => j.external === port && j.protocol === 'tcp');
      if (p) return `components.jaeger.${p.field}`;
    }
  }
  return undefined;
}

/** The reason never repeats the URL: it may hold the credential. */
function urlProblem(url: string, parts: Array<string | number>, add: Add): void {
  const verdict = plainUrlVerdict(url);
  if (verdict.ok) return;
  const expected = 'expected a plain http(s) URL of an internal endpoint such as "http://backend:8000/health"';
  if (verdict.kind === 'invalid') add(parts, `${verdict.reason}; ${expected}`);
  else add(parts, `${verdict.reason}; a probe URL is written into prometheus.yml, so it cannot hold a credential: ${expected}`);
}
