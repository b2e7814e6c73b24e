/** Alertmanager: single instance (no cluster), secrets as files readable only by its user. */
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import { RUNTIME, uidOf, gidOf } from '../containers';
import { secretFile } from '../render/alertmanager';
import { externalUrlFlags } from '../links';
import type { Stack } from '../schema';
import { componentContainer, DeployContext } from './common';

export function alertmanagerCommand(stack: Stack): string[] {
  const r = RUNTIME.alertmanager;
  return [
    `--config.file=${r.configDir}/alertmanager.yml`,
    `--storage.path=${r.dataDir}`,
    '--cluster.listen-address=',
    ...externalUrlFlags(stack, 'alertmanager'),
  ];
}

export function alertmanagerContainer(
  ctx: DeployContext,
  image: docker.RemoteImage,
  secrets: Record<string, pulumi.Output<string>>,
): docker.Container {
  const r = RUNTIME.alertmanager;
  return componentContainer(ctx, {
    component: 'alertmanager',
    image,
    command: alertmanagerCommand(ctx.stack),
    secretUploads: Object.keys(secrets)
      .sort()
      .map((name) => ({
        file: secretFile({ secret: name }),
        content: secrets[name],
        owner: String(uidOf(r)),
        group: String(gidOf(r)),
        permissions: '0400',
      })),
  });
}
