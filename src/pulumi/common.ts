/**
 * What every component container shares: pinned image, data volume, network alias, published ports on the
 * configured bind address, healthcheck, restart policy, memory limit, labels and hardening. Component modules
 * add only what is specific to them (flags, secrets, extra mounts).
 */
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import type { ComponentName, Stack } from '../schema';
import { CONTAINER_PORTS } from '../jobs';
import { memoryMiB, RUNTIME, uploadsFor } from '../containers';

export interface DeployContext {
  stack: Stack;
  /** synth's files (relative to `files/`), the single source of every uploaded config file. */
  files: Record<string, string>;
  network: docker.Network;
  /** The MonitoringStack: parent of every resource. */
  parent: pulumi.Resource;
  /** Data volumes by component (only those that keep state). */
  volumes: Partial<Record<ComponentName, docker.Volume>>;
  /** Makes the volumes' owners match the containers' users; components start after it. */
  volumeInit?: docker.Container;
}

export const LABEL_PREFIX = 'monitoring-stack';

export function labels(stack: Stack, component?: string): Array<{ label: string; value: string }> {
  return [
    { label: `${LABEL_PREFIX}.stack`, value: stack.name },
    { label: `${LABEL_PREFIX}.environment`, value: stack.environment },
    ...(component ? [{ label: `${LABEL_PREFIX}.component`, value: component }] : []),
  ];
}

/** Docker object names: the stack name first, so two stacks can share a host. */
export const containerName = (stack: Stack, component: string) => `${stack.name}-${component}`;
export const volumeName = (stack: Stack, component: string) => `${stack.name}-${component}-data`;
export const networkName = (stack: Stack) => `${stack.name}-monitoring`;

/** Docker wants IPv6 host addresses without brackets. */
export const dockerHostIp = (address: string) => address.replace(/^\[(.*)\]$/, '$1');

export const HARDENING = {
  securityOpts: ['no-new-privileges:true'],
  restart: 'unless-stopped',
} as const;

export function componentImage(ctx: DeployContext, component: ComponentName): docker.RemoteImage {
  return new docker.RemoteImage(
    `${component}-image`,
    // keepLocally: destroying the stack does not delete images other containers may use.
    { name: `${RUNTIME[component].image}:${ctx.stack.components[component].version}`, keepLocally: true },
    { parent: ctx.parent },
  );
}

export interface PortSpec {
  internal: number;
  external: number;
  /** tcp unless given (Jaeger's thrift receivers take udp). */
  protocol?: 'tcp' | 'udp';
}

export interface ContainerSpec {
  component: ComponentName;
  image: docker.RemoteImage;
  command?: string[];
  envs?: pulumi.Input<string>[];
  /** Files besides the synth files, e.g. secrets (content may be a secret Output). */
  secretUploads?: pulumi.Input<docker.types.input.ContainerUpload>[];
  extraVolumes?: docker.types.input.ContainerVolume[];
  /** Ports published besides the component's main port. */
  extraPorts?: PortSpec[];
  hosts?: docker.types.input.ContainerHost[];
  capabilities?: docker.types.input.ContainerCapabilities;
  /** Resources to create first, besides the volume init. */
  dependsOn?: pulumi.Resource[];
}

/** The published ports of a component: its main port and any extra ones, all on `bindAddress`, if `publish`. */
export function publishedPorts(stack: Stack, component: ComponentName, extra: PortSpec[] = []): PortSpec[] {
  const comp = stack.components[component];
  if (!comp.publish) return [];
  return [{ internal: CONTAINER_PORTS[component], external: comp.port }, ...extra];
}

export function componentContainer(ctx: DeployContext, spec: ContainerSpec): docker.Container {
  const { stack } = ctx;
  const c = spec.component;
  const runtime = RUNTIME[c];
  const volume = ctx.volumes[c];
  const volumes: docker.types.input.ContainerVolume[] = [
    ...(volume ? [{ volumeName: volume.name, containerPath: runtime.dataDir }] : []),
    ...(spec.extraVolumes ?? []),
  ];
  return new docker.Container(
    c,
    {
      name: containerName(stack, c),
      image: spec.image.imageId,
      user: runtime.user,
      command: spec.command,
      envs: spec.envs,
      uploads: [...uploadsFor(c, ctx.files), ...(spec.secretUploads ?? [])],
      volumes,
      ports: publishedPorts(stack, c, spec.extraPorts).map((p) => ({
        internal: p.internal,
        external: p.external,
        ip: dockerHostIp(stack.bindAddress),
        protocol: p.protocol ?? 'tcp',
      })),
      networksAdvanced: [{ name: ctx.network.name, aliases: [c] }],
      hosts: spec.hosts,
      healthcheck: {
        tests: runtime.healthcheck,
        interval: '30s',
        timeout: '5s',
        retries: 3,
        startPeriod: runtime.healthStartPeriod,
      },
      restart: HARDENING.restart,
      memory: memoryMiB(stack.components[c].memoryLimit),
      securityOpts: [...HARDENING.securityOpts],
      // The images run as non-root users and need no capabilities (Promtail asks for the one it needs).
      capabilities: spec.capabilities ?? { drops: ['ALL'] },
      labels: labels(stack, c),
      // Config changes replace the container (uploads are create-only); data lives on named volumes.
      mustRun: true,
    },
    {
      parent: ctx.parent,
      // The fixed container name must be free before the replacement is created.
      deleteBeforeReplace: true,
      // Docker cannot change a healthcheck in place.
      replaceOnChanges: ['healthcheck'],
      dependsOn: [...(ctx.volumeInit ? [ctx.volumeInit] : []), ...(spec.dependsOn ?? [])],
    },
  );
}
