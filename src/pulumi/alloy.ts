/**
 * Grafana Alloy (`logs.collector: 'alloy'`): the same mounts and security defaults as Promtail (each log source's
 * host directory read-only, the Docker socket read-only only with `logs.dockerDiscovery`, root with every
 * capability dropped but DAC_READ_SEARCH). Flags per grafana/alloy v1.18.1 internal/alloycli/cmd_run.go.
 */
import * as docker from '@pulumi/docker';
import { ALLOY_CONFIG_FILE, RUNTIME } from '../containers';
import { CONTAINER_PORTS } from '../jobs';
import { componentContainer, DeployContext } from './common';
import { promtailVolumes } from './promtail';

export function alloyCommand(): string[] {
  return [
    'run',
    `${RUNTIME.alloy.configDir}/${ALLOY_CONFIG_FILE}`,
    `--storage.path=${RUNTIME.alloy.dataDir}`,
    // The default 127.0.0.1 would hide /metrics and /-/ready from Prometheus on the stack network.
    `--server.http.listen-addr=0.0.0.0:${CONTAINER_PORTS.alloy}`,
    // No usage reports to Grafana Labs from a monitoring stack.
    '--disable-reporting',
  ];
}

export function alloyContainer(ctx: DeployContext, image: docker.RemoteImage): docker.Container {
  return componentContainer(ctx, {
    component: 'alloy',
    image,
    command: alloyCommand(),
    extraVolumes: promtailVolumes(ctx),
    capabilities: { drops: ['ALL'], adds: ['DAC_READ_SEARCH'] },
  });
}
