/** Loki: single binary, its config from synth, data on its volume. */
import * as docker from '@pulumi/docker';
import { RUNTIME } from '../containers';
import { componentContainer, DeployContext } from './common';

export function lokiContainer(ctx: DeployContext, image: docker.RemoteImage): docker.Container {
  return componentContainer(ctx, { component: 'loki', image, command: [`-config.file=${RUNTIME.loki.configDir}/loki.yaml`] });
}
