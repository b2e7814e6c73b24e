/**
 * The Pulumi program: the Pulumi stack name selects `stacks/<name>.ts`, which is validated before any resource
 * exists. Run it with `npm run up | preview | destroy` (they check the prerequisites and use a local backend).
 */
import * as pulumi from '@pulumi/pulumi';
import { loadStack } from './src/load';
import { ConfigError } from './src/errors';
import { MonitoringStack } from './src/pulumi/stack';
import { targetRefusal } from './src/target';

function load() {
  let stack;
  try {
    stack = loadStack({ stack: pulumi.getStack() }).stack;
  } catch (err) {
    // A config problem is the user's to fix: report it without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(`invalid stack config:\n${err.message}`);
    throw err;
  }
  // A Kubernetes stack is applied as manifests; deploying Docker containers for it would be wrong.
  const refusal = targetRefusal(stack);
  if (refusal) throw new pulumi.RunError(refusal);
  return stack;
}

const monitoring = new MonitoringStack('monitoring', { stack: load() });

export const urls = monitoring.urls;
export const otlpEndpoints = monitoring.otlpEndpoints;
export const volumes = monitoring.volumeNames;
export const grafanaAdminUser = monitoring.grafanaAdminUser;
export const grafanaAdminPassword = monitoring.grafanaAdminPassword;
export const grafanaAdminPasswordHelp = 'pulumi stack output grafanaAdminPassword --show-secrets';
