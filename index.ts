/**
 * The Pulumi program: the Pulumi stack name selects `stacks/<name>.ts`, which is validated before any resource
 * exists. Run it with `npm run up | preview | destroy` (they check the prerequisites and use a local backend).
 */
import * as pulumi from '@pulumi/pulumi';
import { loadStack } from './src/load';
import { ConfigError } from './src/errors';
import { MonitoringStack } from './src/pulumi/stack';
import { KubernetesMonitoringStack } from './src/pulumi/kubernetes/stack';

function load() {
  let stack;
  try {
    stack = loadStack({ stack: pulumi.getStack() }).stack;
  } catch (err) {
    // A config problem is the user's to fix: report it without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(`invalid stack config:\n${err.message}`);
    throw err;
  }
  return stack;
}

const stack = load();

/** The program's outputs; each target sets those that apply to it. */
interface Outputs {
  urls?: Record<string, string>;
  otlpEndpoints?: Record<string, string>;
  volumes?: pulumi.Output<Record<string, string>>;
  namespace?: string;
  release?: string;
  grafana?: string;
  grafanaAdminUser: string;
  grafanaAdminPassword?: pulumi.Output<string>;
}

/** The Docker target: containers on one host. */
function docker(): Outputs {
  const monitoring = new MonitoringStack('monitoring', { stack });
  return {
    urls: monitoring.urls,
    otlpEndpoints: monitoring.otlpEndpoints,
    volumes: monitoring.volumeNames,
    grafanaAdminUser: monitoring.grafanaAdminUser,
    grafanaAdminPassword: monitoring.grafanaAdminPassword,
  };
}

/** The Kubernetes target: kube-prometheus-stack and our objects in one namespace. */
function kubernetes(): Outputs {
  const monitoring = new KubernetesMonitoringStack('monitoring', { stack });
  return {
    namespace: monitoring.namespace,
    release: monitoring.release,
    grafana: monitoring.grafanaPortForward,
    grafanaAdminUser: monitoring.grafanaAdminUser,
    grafanaAdminPassword: monitoring.grafanaAdminPassword,
  };
}

const outputs: Outputs = stack.target.kind === 'kubernetes' ? kubernetes() : docker();

export const urls = outputs.urls;
export const otlpEndpoints = outputs.otlpEndpoints;
export const volumes = outputs.volumes;
export const namespace = outputs.namespace;
export const release = outputs.release;
export const grafana = outputs.grafana;
export const grafanaAdminUser = outputs.grafanaAdminUser;
export const grafanaAdminPassword = outputs.grafanaAdminPassword;
export const grafanaAdminPasswordHelp = 'pulumi stack output grafanaAdminPassword --show-secrets';
