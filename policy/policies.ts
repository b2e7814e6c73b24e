/**
 * The security defaults of the stack as mandatory Pulumi policies, checked by
 * `pulumi preview --policy-pack policy`. Kept apart from index.ts so tests can call them without a policy engine.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { RUNTIME } from '../src/containers';
import { COMPONENT_NAMES, ComponentName } from '../src/schema';

export const CONTAINER = 'docker:index/container:Container';
export const REMOTE_IMAGE = 'docker:index/remoteImage:RemoteImage';
const COMPONENT_LABEL = 'monitoring-stack.component';

interface ContainerProps {
  name?: string;
  ports?: Array<{ internal: number; external?: number; ip?: string }>;
  privileged?: boolean;
  envs?: string[];
  volumes?: Array<{ volumeName?: string; hostPath?: string; containerPath?: string }>;
  labels?: Array<{ label: string; value: string }>;
  uploads?: Array<{ file: string; content?: string }>;
}

const containerOf = (args: ResourceValidationArgs): ContainerProps | undefined =>
  args.type === CONTAINER ? (args.props as ContainerProps) : undefined;

const componentOf = (c: ContainerProps): ComponentName | undefined => {
  const value = c.labels?.find((l) => l.label === COMPONENT_LABEL)?.value;
  return COMPONENT_NAMES.find((n) => n === value);
};

/** Addresses that expose a port beyond the host itself. */
const isPublic = (ip: string | undefined) => ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '[::]';

export interface PolicyConfig {
  /** Host ports that may be published on every interface (e.g. behind a firewall). */
  allowedPublicPorts?: number[];
}

export const noPublicPorts: ResourceValidationPolicy = {
  name: 'no-public-ports',
  description: 'Published ports bind to a specific address (127.0.0.1 by default), not 0.0.0.0, unless allowed in the policy config.',
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: { allowedPublicPorts: { type: 'array', items: { type: 'number' }, default: [] } },
  },
  validateResource: (args, report) => {
    const c = containerOf(args);
    if (!c) return;
    const allowed = new Set(args.getConfig<PolicyConfig>().allowedPublicPorts ?? []);
    for (const port of c.ports ?? []) {
      const hostPort = port.external ?? port.internal;
      if (isPublic(port.ip) && !allowed.has(hostPort)) {
        report(`container ${c.name ?? args.name} publishes port ${hostPort} on all interfaces (ip ${port.ip || 'unset'}); bind it to 127.0.0.1 or allow it with allowedPublicPorts`);
      }
    }
  },
};

export const pinnedImageTags: ResourceValidationPolicy = {
  name: 'pinned-image-tags',
  description: 'Images are pulled by an explicit version tag or digest, never "latest" or no tag.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== REMOTE_IMAGE) return;
    const name = String(args.props.name ?? '');
    const digest = name.includes('@sha256:');
    const tag = /:([^/:@]+)$/.exec(name)?.[1];
    if (!digest && (!tag || tag === 'latest')) report(`image "${name}" is not pinned; use an explicit version tag such as ":v3.5.0"`);
  },
};

export const namedVolumeForState: ResourceValidationPolicy = {
  name: 'named-volume-for-stateful-components',
  description: 'Every component that keeps state has a named Docker volume at its data path, so data survives replacement.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const c = containerOf(args);
    if (!c) return;
    const component = componentOf(c);
    if (!component) return;
    // Jaeger keeps state only with badger storage.
    if (component === 'jaeger' && !(c.uploads ?? []).some((u) => /\bbadger\b/.test(u.content ?? ''))) return;
    const dataDir = RUNTIME[component].dataDir;
    const mount = (c.volumes ?? []).find((v) => v.containerPath === dataDir);
    if (!mount?.volumeName) {
      report(`container ${c.name ?? args.name} (${component}) keeps its data in ${dataDir} without a named volume there; the data would be lost when the container is replaced`);
    }
  },
};

export const noPrivilegedContainers: ResourceValidationPolicy = {
  name: 'no-privileged-containers',
  description: 'No container runs privileged.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const c = containerOf(args);
    if (c?.privileged) report(`container ${c.name ?? args.name} runs privileged`);
  },
};

/** Variable names that carry credentials; `__FILE`/`_FILE` variants point at a file and are fine. */
const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|WEBHOOK|PRIVATE_KEY|CREDENTIALS?)/i;

export const noSecretEnvironment: ResourceValidationPolicy = {
  name: 'no-secrets-in-environment',
  description: 'Secrets reach containers as files (`*_FILE` / `__FILE` variables), never as plain environment variables.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const c = containerOf(args);
    for (const env of c?.envs ?? []) {
      const [name] = String(env).split('=', 1);
      if (SECRET_ENV.test(name) && !/_FILE$/i.test(name)) {
        report(`container ${c!.name ?? args.name} sets ${name} in its environment; pass it as a file (${name}__FILE or ${name}_FILE)`);
      }
    }
  },
};

export const POLICIES: ResourceValidationPolicy[] = [
  noPublicPorts,
  pinnedImageTags,
  namedVolumeForState,
  noPrivilegedContainers,
  noSecretEnvironment,
];

export type { ReportViolation };
