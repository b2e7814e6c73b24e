/**
 * The exporter containers (src/exporters.ts): pinned image, the image's user, healthcheck, memory limit, port on
 * `bindAddress` when published, hardening as the components have it. Secrets (the Redis password, the PostgreSQL
 * DSN) are secret Outputs written to 0400 files owned by the exporter's user and read through its file options;
 * they are in no environment variable and no command line.
 */
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import type { ExporterName } from '../schema';
import { memoryMiB } from '../containers';
import {
  DSN_EXPECTED, dsnParts, enabledExporters, EXPORTERS, exporterCommand, exporterEnvs, POSTGRES_DSN_FILES, REDIS_PASSWORD_FILE, redisPasswordFile,
} from '../exporters';
import { containerName, DeployContext, dockerHostIp, HARDENING, labels } from './common';

type Upload = pulumi.Input<docker.types.input.ContainerUpload>;

/** A secret file readable only by the exporter's user. */
function secretUpload(name: ExporterName, file: string, content: pulumi.Output<string>): Upload {
  const [owner, group] = EXPORTERS[name].user.split(':');
  return { file, content, owner, group, permissions: '0400' };
}

/** The PostgreSQL DSN as the exporter's three files; a DSN of another form stops `up` (naming the key, not the value). */
function postgresUploads(key: string, dsn: pulumi.Output<string>): Upload[] {
  const parts = dsn.apply((value) => {
    const p = dsnParts(value);
    if (!p) throw new pulumi.RunError(`secret "${key}" (components.postgresExporter.dsn) is not a PostgreSQL URL; expected ${DSN_EXPECTED}`);
    return p;
  });
  const files = POSTGRES_DSN_FILES;
  return [
    secretUpload('postgresExporter', files.DATA_SOURCE_URI_FILE, pulumi.secret(parts.apply((p) => `${p.uri}\n`))),
    secretUpload('postgresExporter', files.DATA_SOURCE_USER_FILE, pulumi.secret(parts.apply((p) => `${p.user}\n`))),
    secretUpload('postgresExporter', files.DATA_SOURCE_PASS_FILE, pulumi.secret(parts.apply((p) => `${p.password}\n`))),
  ];
}

function secretUploads(ctx: DeployContext, name: ExporterName, secrets: Record<string, pulumi.Output<string>>): Upload[] {
  const c = ctx.stack.components;
  if (name === 'redisExporter' && c.redisExporter.password) {
    const address = c.redisExporter.address;
    const content = pulumi.secret(secrets[c.redisExporter.password.secret].apply((p) => redisPasswordFile(address, p)));
    return [secretUpload(name, REDIS_PASSWORD_FILE, content)];
  }
  if (name === 'postgresExporter') return postgresUploads(c.postgresExporter.dsn.secret, secrets[c.postgresExporter.dsn.secret]);
  return [];
}

export function exporterContainer(ctx: DeployContext, name: ExporterName, secrets: Record<string, pulumi.Output<string>>): docker.Container {
  const { stack } = ctx;
  const comp = stack.components[name];
  const rt = EXPORTERS[name];
  const image = new docker.RemoteImage(`${name}-image`, { name: `${rt.image}:${comp.version}`, keepLocally: true }, { parent: ctx.parent });
  return new docker.Container(
    name,
    {
      name: containerName(stack, rt.alias),
      image: image.imageId,
      user: rt.user,
      command: exporterCommand(stack, name),
      envs: exporterEnvs(stack, name),
      uploads: secretUploads(ctx, name, secrets),
      volumes: rt.hostMounts.map((m) => ({ hostPath: m.hostPath, containerPath: m.containerPath, readOnly: true })),
      ports: comp.publish ? [{ internal: rt.port, external: comp.port, ip: dockerHostIp(stack.bindAddress), protocol: 'tcp' }] : [],
      networksAdvanced: [{ name: ctx.network.name, aliases: [rt.alias] }],
      // Redis and PostgreSQL on the Docker host are host.docker.internal.
      hosts: [{ host: 'host.docker.internal', ip: 'host-gateway' }],
      healthcheck: { tests: rt.healthcheck, interval: '30s', timeout: '5s', retries: 3, startPeriod: '10s' },
      restart: HARDENING.restart,
      memory: memoryMiB(comp.memoryLimit),
      securityOpts: [...HARDENING.securityOpts],
      capabilities: { drops: ['ALL'], ...(rt.capabilities.length ? { adds: rt.capabilities } : {}) },
      labels: labels(stack, name),
      mustRun: true,
    },
    { parent: ctx.parent, deleteBeforeReplace: true, replaceOnChanges: ['healthcheck'] },
  );
}

/** The enabled exporters' containers. `secrets` holds at least `exporterSecrets(stack)`. */
export function exporterContainers(ctx: DeployContext, secrets: Record<string, pulumi.Output<string>>): Partial<Record<ExporterName, docker.Container>> {
  return Object.fromEntries(enabledExporters(ctx.stack).map((name) => [name, exporterContainer(ctx, name, secrets)]));
}
