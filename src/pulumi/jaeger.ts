/** Jaeger v2: UI on the component port; OTLP (and the Jaeger/Zipkin receivers when enabled) published for apps on the host. */
import * as docker from '@pulumi/docker';
import { jaegerPorts, RUNTIME } from '../containers';
import { componentContainer, DeployContext } from './common';

export function jaegerContainer(ctx: DeployContext, image: docker.RemoteImage): docker.Container {
  return componentContainer(ctx, {
    component: 'jaeger',
    image,
    command: [`--config=${RUNTIME.jaeger.configDir}/config.yaml`],
    extraPorts: jaegerPorts(ctx.stack.components.jaeger).map(({ internal, external, protocol }) => ({ internal, external, protocol })),
  });
}
