/**
 * The Grafana admin password, applied to the database Grafana already has. Grafana uses its admin password
 * (GF_SECURITY_ADMIN_PASSWORD__FILE) only when it creates its database (conf/defaults.ini, [security]
 * admin_password: "can be changed before first start"), and that database lives on a volume that outlives
 * `destroy`. So a later `up`, with a newly generated password or a changed `grafanaAdminPassword`, would show a
 * password that does not log in.
 *
 * A one-shot container of the same pinned Grafana image, as Grafana's user, on Grafana's volume, waits until
 * Grafana serves /api/health (its database exists, with the admin user) and then runs Grafana's own
 * `grafana cli admin reset-admin-password --password-from-stdin`, stdin from the same 0400 secret file: whatever
 * password the state holds is then the valid one. Flags as in grafana/grafana pkg/cmd/grafana-cli/commands/cli.go
 * (`--homepath`, `--config`, `--configOverrides`, before the subcommand) and commands.go / reset_password_command.go
 * (`--password-from-stdin` reads one line; `--user-id` defaults to 1, the admin Grafana creates first); the server
 * itself starts the same way in packaging/docker/run.sh. The documented way to reset the password of a running
 * Grafana is this command, so it runs alongside the server.
 *
 * It runs again whenever it is replaced: when the password changes (its upload), when grafana.ini changes, and
 * whenever the Grafana container is replaced (its id is a label), so a password changed by hand in the UI is
 * overwritten by the one in the state at the next such `up`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import { GRAFANA_ADMIN_PASSWORD_FILE, GRAFANA_CONFIG_DIR, RUNTIME, gidOf, memoryMiB, uidOf } from '../containers';
import { CONTAINER_PORTS } from '../jobs';
import { DeployContext, HARDENING, LABEL_PREFIX, containerName, labels } from './common';

export const GRAFANA_PASSWORD_RESET = 'grafana-password';
const GRAFANA_INI = `${GRAFANA_CONFIG_DIR}/grafana.ini`;
/** How long the job waits for Grafana to become healthy: attempts × seconds (Grafana's start period is 60 s). */
const HEALTH_ATTEMPTS = 90;
const HEALTH_SLEEP_S = 2;

/** The job's shell script. The password is read from the file on stdin: it is in no argument and no environment. */
export function passwordResetScript(): string {
  const health = `http://grafana:${CONTAINER_PORTS.grafana}/api/health`;
  return [
    'set -e',
    'n=0',
    `until wget -q -O /dev/null ${health}; do`,
    `  n=$((n + 1)); if [ "$n" -ge ${HEALTH_ATTEMPTS} ]; then echo "Grafana is not healthy at ${health}; admin password not applied" >&2; exit 1; fi`,
    `  sleep ${HEALTH_SLEEP_S}`,
    'done',
    // GF_PATHS_HOME and GF_PATHS_DATA are set by the image, as run.sh uses them for the server.
    `exec grafana cli --homepath "$GF_PATHS_HOME" --config ${GRAFANA_INI} --configOverrides "cfg:default.paths.data=$GF_PATHS_DATA" ` +
      `admin reset-admin-password --password-from-stdin < ${GRAFANA_ADMIN_PASSWORD_FILE}`,
  ].join('\n');
}

export function grafanaPasswordReset(
  ctx: DeployContext,
  image: docker.RemoteImage,
  grafana: docker.Container,
  password: pulumi.Output<string>,
): docker.Container {
  const r = RUNTIME.grafana;
  const { stack } = ctx;
  const job = new docker.Container(
    GRAFANA_PASSWORD_RESET,
    {
      name: containerName(stack, GRAFANA_PASSWORD_RESET),
      image: image.imageId,
      user: r.user,
      entrypoints: ['/bin/sh', '-c'],
      command: [passwordResetScript()],
      uploads: [
        { file: GRAFANA_INI, content: ctx.files['grafana/grafana.ini'] },
        { file: GRAFANA_ADMIN_PASSWORD_FILE, content: password, owner: String(uidOf(r)), group: String(gidOf(r)), permissions: '0400' },
      ],
      volumes: [{ volumeName: ctx.volumes.grafana!.name, containerPath: r.dataDir }],
      // Only to reach Grafana's health endpoint.
      networksAdvanced: [{ name: ctx.network.name }],
      // Wait for the script to finish; the exited container stays, with its log (`docker logs <stack>-grafana-password`).
      attach: true,
      mustRun: false,
      restart: 'no',
      memory: memoryMiB(stack.components.grafana.memoryLimit),
      securityOpts: [...HARDENING.securityOpts],
      capabilities: { drops: ['ALL'] },
      labels: [...labels(stack, GRAFANA_PASSWORD_RESET), { label: `${LABEL_PREFIX}.grafana-container`, value: grafana.id }],
    },
    {
      parent: ctx.parent,
      deleteBeforeReplace: true,
      replaceOnChanges: ['uploads', 'labels'],
      dependsOn: [grafana, ...(ctx.volumeInit ? [ctx.volumeInit] : [])],
    },
  );
  failOnNonZeroExit(job);
  return job;
}

/** The provider waits for the exit but ignores its code: a failed reset fails `up` here, with where to look. */
function failOnNonZeroExit(job: docker.Container): void {
  pulumi.all([job.exitCode, job.name]).apply(([code, name]) => {
    if (code !== undefined && code !== null && code !== 0) {
      void pulumi.log.error(`the Grafana admin password was not applied (exit code ${code}); see: docker logs ${name}`, job);
    }
  });
}
