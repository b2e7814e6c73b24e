/**
 * The deploy target of a stack. The Pulumi program deploys the Docker target; a Kubernetes stack is rendered to
 * manifests by synth (src/render/kubernetes) and applied with kubectl or GitOps, so `up`, `preview` and the program
 * itself refuse it rather than deploy Docker containers for it.
 */
import type { Stack } from './schema';

export function targetRefusal(stack: Stack): string | undefined {
  if (stack.target.kind !== 'kubernetes') return undefined;
  return (
    `stack "${stack.name}" targets Kubernetes (namespace "${stack.target.namespace}", release "${stack.target.release}"); ` +
    `deploying it with Pulumi is not implemented yet: run \`npm run synth -- --stack ${stack.name} --out out/${stack.name}\` ` +
    `and apply out/${stack.name}/manifests/ to a cluster running kube-prometheus-stack ${stack.target.chartVersions.kubePrometheusStack} ` +
    `as release "${stack.target.release}"`
  );
}
