/** The blackbox exporter: runs the stack's probes for Prometheus; stateless, internal unless published. */
import * as docker from '@pulumi/docker';
import { RUNTIME } from '../containers';
import { componentContainer, DeployContext } from './common';

/** The rendered modules (files/blackbox/blackbox.yml) instead of the image's example config. */
export const blackboxCommand = (): string[] => [`--config.file=${RUNTIME.blackbox.configDir}/blackbox.yml`];

export function blackboxContainer(ctx: DeployContext, image: docker.RemoteImage): docker.Container {
  return componentContainer(ctx, {
    component: 'blackbox',
    image,
    command: blackboxCommand(),
    // Probed endpoints on the Docker host (e.g. the backend's /health on :8000) are host.docker.internal.
    hosts: [{ host: 'host.docker.internal', ip: 'host-gateway' }],
  });
}
