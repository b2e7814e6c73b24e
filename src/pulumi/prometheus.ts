/** Prometheus: the image's default flags kept, retention from the stack, `/-/reload` enabled, links and resends. */
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import { RUNTIME, gidOf, resendDelay, uidOf } from '../containers';
import { prometheusSecretFile } from '../render/remote-write';
import { externalUrlFlags } from '../links';
import { componentContainer, DeployContext } from './common';

export function prometheusCommand(ctx: Pick<DeployContext, 'stack'>): string[] {
  const p = ctx.stack.prometheus;
  const r = RUNTIME.prometheus;
  // Passing a command replaces the image's default flags, so they are repeated here.
  return [
    `--config.file=${r.configDir}/prometheus.yml`,
    `--storage.tsdb.path=${r.dataDir}`,
    `--storage.tsdb.retention.time=${p.retentionTime}`,
    ...(p.retentionSize ? [`--storage.tsdb.retention.size=${p.retentionSize}`] : []),
    '--web.enable-lifecycle',
    // Exemplars (trace ids on histogram samples) for the latency panels' links to Jaeger.
    '--enable-feature=exemplar-storage',
    ...externalUrlFlags(ctx.stack, 'prometheus'),
    `--rules.alert.resend-delay=${resendDelay(ctx.stack)}`,
  ];
}

/** `alertmanager`: created (and so started) first, so Prometheus' first notifications find it listening. */
/** `secrets`: the remote-write credentials, uploaded as 0400 files of Prometheus' user (prometheus.yml names them). */
export function prometheusContainer(
  ctx: DeployContext,
  image: docker.RemoteImage,
  alertmanager?: docker.Container,
  secrets: Record<string, pulumi.Output<string>> = {},
): docker.Container {
  const r = RUNTIME.prometheus;
  return componentContainer(ctx, {
    dependsOn: alertmanager ? [alertmanager] : [],
    component: 'prometheus',
    image,
    command: prometheusCommand(ctx),
    secretUploads: Object.keys(secrets)
      .sort()
      .map((name) => ({ file: prometheusSecretFile(name), content: secrets[name], owner: String(uidOf(r)), group: String(gidOf(r)), permissions: '0400' })),
    // Scrape targets on the Docker host (e.g. the backend on :8000) are host.docker.internal.
    hosts: [{ host: 'host.docker.internal', ip: 'host-gateway' }],
  });
}
