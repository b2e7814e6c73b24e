/** The healthcheck judge shared by the component and exporter tests: a Docker healthcheck against an image's facts. */
import type { ImageFacts } from './fixtures/image-facts';

/** What is wrong with a Docker healthcheck (`tests` argv) for an image with these facts. */
export function healthcheckProblems(tests: string[], facts: ImageFacts): string[] {
  const [kind, exe, ...args] = tests;
  const out: string[] = [];
  if (kind !== 'CMD') out.push(`"${kind}" runs through a shell; use CMD with a tool the image has`);
  if (!facts.tools.includes(exe)) out.push(`${exe} is not in ${facts.image}:${facts.version} (it has ${facts.tools.join(', ')})`);
  const { port, path } = facts.health;
  const asked =
    facts.selfHealth && JSON.stringify([exe, ...args]) === JSON.stringify(facts.selfHealth)
      ? true
      : args.some((a) => a.includes(`http://127.0.0.1:${port}${path}`)) ||
        args.some((a) => a.includes(`/dev/tcp/127.0.0.1/${port}`) && a.includes(`GET ${path} `));
  if (!asked) out.push(`does not ask ${path} on port ${port}, the endpoint ${facts.image} serves`);
  return out;
}
