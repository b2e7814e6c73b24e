/** Jaeger v2: UI on the component port, OTLP gRPC/HTTP published for applications on the host. */
import * as docker from '@pulumi/docker';
import { JAEGER_OTLP_GRPC_PORT, JAEGER_OTLP_HTTP_PORT, RUNTIME } from '../containers';
import { componentContainer, DeployContext } from './common';

export function jaegerContainer(ctx: DeployContext, image: docker.RemoteImage): docker.Container {
  const j = ctx.stack.components.jaeger;
  return componentContainer(ctx, {
    component: 'jaeger',
    image,
    command: [`--config=${RUNTIME.jaeger.configDir}/config.yaml`],
    extraPorts: [
      { internal: JAEGER_OTLP_GRPC_PORT, external: j.otlpGrpcPort },
      { internal: JAEGER_OTLP_HTTP_PORT, external: j.otlpHttpPort },
    ],
  });
}
