/**
 * Persistence: one named volume per component that keeps state, never deleted by Pulumi (`retainOnDelete`), so
 * `pulumi destroy` and container replacement leave the data in place; a later `up` reattaches the same volumes
 * (Docker returns an existing volume of the same name instead of creating a new one).
 *
 * Ownership: Docker creates named volumes owned by root, while Loki (10001), Grafana (472), Prometheus and
 * Alertmanager (65534) and Jaeger (10001) run as non-root users; that mismatch is the seed's Loki "permission
 * denied". A one-shot `volume-init` container (the busybox of the pinned Prometheus image, as root, no network,
 * only the CHOWN/DAC_OVERRIDE/FOWNER capabilities) chowns each volume to its component's user before the components
 * start. It runs again only when it is replaced (new volumes, new Prometheus image), and chown is idempotent.
 */
import * as docker from '@pulumi/docker';
import type { ComponentName } from '../schema';
import { enabledComponents } from '../jobs';
import { RUNTIME } from '../containers';
import { DeployContext, HARDENING, labels, volumeName } from './common';

/** Components that keep state; Jaeger only with badger storage. */
export function statefulComponents(ctx: Pick<DeployContext, 'stack'>): ComponentName[] {
  return enabledComponents(ctx.stack).filter((c) => c !== 'jaeger' || ctx.stack.components.jaeger.storage === 'badger');
}

export function dataVolumes(ctx: Pick<DeployContext, 'stack' | 'parent'>): Partial<Record<ComponentName, docker.Volume>> {
  return Object.fromEntries(
    statefulComponents(ctx).map((c) => [
      c,
      new docker.Volume(
        `${c}-data`,
        { name: volumeName(ctx.stack, c), labels: labels(ctx.stack, c) },
        { parent: ctx.parent, retainOnDelete: true },
      ),
    ]),
  );
}

const INIT_MOUNT = '/volumes';

/** The shell script of the init container: one chown per volume. */
export function ownershipScript(components: ComponentName[]): string {
  return ['set -e', ...components.map((c) => `chown -R ${RUNTIME[c].user} ${INIT_MOUNT}/${c}`)].join('\n');
}

export function volumeOwnership(ctx: DeployContext, image: docker.RemoteImage): docker.Container | undefined {
  // Root-owned volumes (Promtail's) are already right, unless the image gives the data directory another owner.
  const components = (Object.keys(ctx.volumes) as ComponentName[]).filter((c) => RUNTIME[c].user !== (RUNTIME[c].imageDataOwner ?? '0:0')).sort();
  if (components.length === 0) return undefined;
  return new docker.Container(
    'volume-init',
    {
      name: `${ctx.stack.name}-volume-init`,
      image: image.imageId,
      user: '0:0',
      entrypoints: ['/bin/sh', '-c'],
      command: [ownershipScript(components)],
      volumes: components.map((c) => ({ volumeName: ctx.volumes[c]!.name, containerPath: `${INIT_MOUNT}/${c}` })),
      networkMode: 'none',
      // Wait for the script to finish; the exited container stays (it is not meant to keep running).
      attach: true,
      mustRun: false,
      restart: 'no',
      memory: 64,
      securityOpts: [...HARDENING.securityOpts],
      capabilities: { drops: ['ALL'], adds: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] },
      labels: labels(ctx.stack, 'volume-init'),
    },
    { parent: ctx.parent, deleteBeforeReplace: true },
  );
}
