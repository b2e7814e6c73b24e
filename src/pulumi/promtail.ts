/**
 * Promtail: each log source's host directory mounted read-only; the Docker socket (read-only) only with
 * `logs.dockerDiscovery`. It runs as root to read log files of any owner, with every capability dropped except
 * DAC_READ_SEARCH (read any file, write none that root does not own).
 */
import * as docker from '@pulumi/docker';
import { DOCKER_SOCKET, promtailSourceDir, RUNTIME } from '../containers';
import { componentContainer, DeployContext } from './common';

export function promtailVolumes(ctx: Pick<DeployContext, 'stack'>): docker.types.input.ContainerVolume[] {
  const logs = ctx.stack.logs;
  return [
    ...logs.sources.map((s) => ({ hostPath: s.hostPath, containerPath: promtailSourceDir(s.job), readOnly: true })),
    ...(logs.dockerDiscovery ? [{ hostPath: DOCKER_SOCKET, containerPath: DOCKER_SOCKET, readOnly: true }] : []),
  ];
}

export function promtailContainer(ctx: DeployContext, image: docker.RemoteImage): docker.Container {
  return componentContainer(ctx, {
    component: 'promtail',
    image,
    command: [`-config.file=${RUNTIME.promtail.configDir}/promtail.yaml`],
    extraVolumes: promtailVolumes(ctx),
    capabilities: { drops: ['ALL'], adds: ['DAC_READ_SEARCH'] },
  });
}
