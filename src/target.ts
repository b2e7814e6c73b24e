/**
 * What a stack's deploy target needs on this machine besides the Pulumi CLI: a Docker stack a reachable Docker
 * daemon (src/cli/deploy.ts pings it), a Kubernetes stack a kubeconfig for the Pulumi Kubernetes provider, which
 * reads `KUBECONFIG` or ~/.kube/config unless the stack's Pulumi config sets `kubernetes:kubeconfig`
 * (pulumi-kubernetes provider docs, "kubeconfig"). Helm runs inside the provider: no helm binary is needed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Stack } from './schema';

export function kubeconfigProblem(stack: Stack, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (stack.target.kind !== 'kubernetes') return undefined;
  const files = (env.KUBECONFIG || path.join(os.homedir(), '.kube', 'config')).split(path.delimiter).filter(Boolean);
  if (files.some((f) => fs.existsSync(f))) return undefined;
  return (
    `Kubernetes: stack "${stack.name}" deploys to a cluster (namespace "${stack.target.namespace}", release "${stack.target.release}"), ` +
    `and no kubeconfig was found (${files.join(', ')}).\n` +
    '  point KUBECONFIG at the cluster\'s kubeconfig (kubectl config current-context shows which cluster), or set it per stack:\n' +
    `    pulumi config set --stack ${stack.name} --secret kubernetes:kubeconfig "$(cat <file>)"`
  );
}
