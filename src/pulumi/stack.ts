/**
 * MonitoringStack: the whole stack as one Pulumi ComponentResource. Every Docker resource is its child; the
 * config files come from synth (`renderStack`), so what `npm run synth` shows is exactly what gets uploaded.
 */
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import { COMPONENT_NAMES, ComponentName, ExporterName, Stack } from '../schema';
import { renderStack } from '../render';
import { DeployContext, componentImage, labels, networkName, publishedPorts } from './common';
import { dataVolumes, volumeOwnership } from './volumes';
import { grafanaAdminPassword, readSecrets } from './secrets';
import { prometheusContainer } from './prometheus';
import { alertmanagerContainer } from './alertmanager';
import { grafanaContainer } from './grafana';
import { lokiContainer } from './loki';
import { promtailContainer } from './promtail';
import { alloyContainer } from './alloy';
import { jaegerContainer } from './jaeger';
import { blackboxContainer } from './blackbox';
import { blackboxDeployed, CONTAINER_PORTS } from '../jobs';
import { grafanaPasswordReset } from './grafana-password';
import { urlHost } from '../links';
import { alertmanagerSecrets } from '../render/alertmanager';
import { exporterSecrets } from '../exporters';
import { exporterContainers } from './exporters';
import { remoteWriteSecrets } from '../render/remote-write';

const pick = <T>(values: Record<string, T>, names: string[]): Record<string, T> =>
  Object.fromEntries(names.map((n) => [n, values[n]]));

export const MONITORING_STACK_TYPE = 'monitoring-stack:index:MonitoringStack';

export interface MonitoringStackArgs {
  /** A validated stack config (`loadStack` / `validateStack`). */
  stack: Stack;
  /** Pulumi config to read secrets from; defaults to the project's. */
  config?: pulumi.Config;
}

export class MonitoringStack extends pulumi.ComponentResource {
  /** Browser URL of each published UI/API, by component. */
  readonly urls: Record<string, string>;
  /** OTLP endpoints for applications on the host (when Jaeger is published). */
  readonly otlpEndpoints: Record<string, string>;
  /** Docker volume names, by component. */
  readonly volumeNames: pulumi.Output<Record<string, string>>;
  readonly grafanaAdminUser: string;
  /** Secret. */
  readonly grafanaAdminPassword: pulumi.Output<string> | undefined;
  readonly containers: Partial<Record<ComponentName, docker.Container>>;
  readonly exporters: Partial<Record<ExporterName, docker.Container>>;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super(MONITORING_STACK_TYPE, name, {}, opts);
    const { stack } = args;
    const config = args.config ?? new pulumi.Config();
    const enabled = (c: ComponentName) => stack.components[c].enabled;

    // Fail before creating anything when a secret is missing.
    const secretValues = readSecrets(stack, config);
    const alertmanagerSecretValues = pick(secretValues, enabled('alertmanager') ? alertmanagerSecrets(stack) : []);

    const network = new docker.Network(
      'network',
      { name: networkName(stack), labels: labels(stack) },
      { parent: this },
    );
    const ctx: DeployContext = { stack, files: renderStack(stack), network, parent: this, volumes: {} };
    ctx.volumes = dataVolumes(ctx);

    const images: Partial<Record<ComponentName, docker.RemoteImage>> = {};
    for (const c of COMPONENT_NAMES) if (enabled(c)) images[c] = componentImage(ctx, c);
    ctx.volumeInit = volumeOwnership(ctx, images.prometheus!);

    const containers: Partial<Record<ComponentName, docker.Container>> = {};
    if (images.alertmanager) containers.alertmanager = alertmanagerContainer(ctx, images.alertmanager, alertmanagerSecretValues);
    containers.prometheus = prometheusContainer(ctx, images.prometheus!, containers.alertmanager, pick(secretValues, remoteWriteSecrets(stack)));
    let adminPassword: pulumi.Output<string> | undefined;
    if (images.grafana) {
      adminPassword = grafanaAdminPassword(stack, this, config).password;
      containers.grafana = grafanaContainer(ctx, images.grafana, adminPassword);
      grafanaPasswordReset(ctx, images.grafana, containers.grafana, adminPassword);
    }
    if (images.loki) containers.loki = lokiContainer(ctx, images.loki);
    if (images.promtail) containers.promtail = promtailContainer(ctx, images.promtail);
    if (images.alloy) containers.alloy = alloyContainer(ctx, images.alloy);
    if (images.jaeger) containers.jaeger = jaegerContainer(ctx, images.jaeger);
    if (blackboxDeployed(stack)) containers.blackbox = blackboxContainer(ctx, componentImage(ctx, 'blackbox'));
    this.containers = containers;
    this.exporters = exporterContainers(ctx, pick(secretValues, exporterSecrets(stack)));

    const host = urlHost(stack.bindAddress);
    this.urls = Object.fromEntries(
      (Object.keys(containers) as ComponentName[]).flatMap((c) =>
        publishedPorts(stack, c)
          .filter((p) => p.internal === CONTAINER_PORTS[c])
          .map((p) => [c, `http://${host}:${p.external}`]),
      ),
    );
    const jaeger = stack.components.jaeger;
    this.otlpEndpoints =
      jaeger.enabled && jaeger.publish
        ? { grpc: `http://${host}:${jaeger.otlpGrpcPort}`, http: `http://${host}:${jaeger.otlpHttpPort}` }
        : {};
    const volumeEntries = Object.entries(ctx.volumes).map(([c, v]) => v!.name.apply((n) => [c, n] as const));
    this.volumeNames = pulumi.all(volumeEntries).apply((entries) => Object.fromEntries(entries));
    this.grafanaAdminUser = stack.grafana.adminUser;
    this.grafanaAdminPassword = adminPassword;

    this.registerOutputs({
      urls: this.urls,
      otlpEndpoints: this.otlpEndpoints,
      volumeNames: this.volumeNames,
      grafanaAdminUser: this.grafanaAdminUser,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
