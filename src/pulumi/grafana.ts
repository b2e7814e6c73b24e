/**
 * Grafana: every synth file under `grafana/` (settings, provisioning, dashboards) goes to /etc/grafana; the admin
 * password is a 0400 file read through GF_SECURITY_ADMIN_PASSWORD__FILE, so it is in no environment variable.
 */
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import { GRAFANA_ADMIN_PASSWORD_FILE, RUNTIME, uidOf, gidOf } from '../containers';
import { componentContainer, DeployContext } from './common';

export function grafanaContainer(ctx: DeployContext, image: docker.RemoteImage, adminPassword: pulumi.Output<string>): docker.Container {
  const r = RUNTIME.grafana;
  return componentContainer(ctx, {
    component: 'grafana',
    image,
    envs: [`GF_PATHS_CONFIG=${r.configDir}/grafana.ini`, `GF_SECURITY_ADMIN_PASSWORD__FILE=${GRAFANA_ADMIN_PASSWORD_FILE}`],
    secretUploads: [
      { file: GRAFANA_ADMIN_PASSWORD_FILE, content: adminPassword, owner: String(uidOf(r)), group: String(gidOf(r)), permissions: '0400' },
    ],
  });
}
