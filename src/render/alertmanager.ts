/**
 * alertmanager.yml. Secrets are never written here: each is a file under SECRETS_DIR that the deployment mounts,
 * referenced by the `*_file` settings.
 */
import type { ReceiverConfig, RouteConfig, SecretRefValue, Stack } from '../schema';
import { NOTIFICATION_TEMPLATES_FILE, TEMPLATES, use } from './notification-templates';

export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';
export const secretFile = (ref: SecretRefValue) => `${ALERTMANAGER_SECRETS_DIR}/${ref.secret}`;

export function alertmanagerConfig(stack: Stack): object {
  const am = stack.alertmanager;
  const r = am.route;
  return {
    global: { resolve_timeout: am.resolveTimeout },
    // Relative to this file: /etc/alertmanager/templates/ in the container, next to it wherever it is checked.
    templates: [NOTIFICATION_TEMPLATES_FILE],
    route: {
      receiver: r.receiver,
      group_by: r.groupBy,
      group_wait: r.groupWait,
      group_interval: r.groupInterval,
      repeat_interval: r.repeatInterval,
      ...(r.routes.length ? { routes: r.routes.map(childRoute) } : {}),
    },
    ...(am.inhibitRules.length
      ? {
          inhibit_rules: am.inhibitRules.map((i) => ({
            source_matchers: i.sourceMatchers,
            target_matchers: i.targetMatchers,
            ...(i.equal.length ? { equal: i.equal } : {}),
          })),
        }
      : {}),
    receivers: am.receivers.map(receiver),
  };
}

function childRoute(route: RouteConfig): object {
  return {
    ...(route.receiver ? { receiver: route.receiver } : {}),
    ...(route.matchers?.length ? { matchers: route.matchers } : {}),
    ...(route.groupBy ? { group_by: route.groupBy } : {}),
    ...(route.groupWait ? { group_wait: route.groupWait } : {}),
    ...(route.groupInterval ? { group_interval: route.groupInterval } : {}),
    ...(route.repeatInterval ? { repeat_interval: route.repeatInterval } : {}),
    ...(route.continue ? { continue: true } : {}),
    ...(route.routes?.length ? { routes: route.routes.map(childRoute) } : {}),
  };
}

function receiver(rc: ReceiverConfig): object {
  return {
    name: rc.name,
    ...(rc.email.length
      ? {
          email_configs: rc.email.map((e) => ({
            to: e.to,
            from: e.from,
            smarthost: e.smarthost,
            ...(e.authUsername ? { auth_username: e.authUsername } : {}),
            ...(e.authPassword ? { auth_password_file: secretFile(e.authPassword) } : {}),
            require_tls: e.requireTls,
            send_resolved: e.sendResolved,
            headers: { Subject: use(TEMPLATES.title) },
            html: use(TEMPLATES.emailHtml),
            text: use(TEMPLATES.emailText),
          })),
        }
      : {}),
    ...(rc.slack.length
      ? {
          slack_configs: rc.slack.map((s) => ({
            api_url_file: secretFile(s.apiUrl),
            channel: s.channel,
            send_resolved: s.sendResolved,
            // title_link stays Alertmanager's default: its --web.external-url.
            title: use(TEMPLATES.title),
            text: use(TEMPLATES.slackText),
          })),
        }
      : {}),
    ...(rc.webhook.length
      ? {
          webhook_configs: rc.webhook.map((w) => ({
            ...(typeof w.url === 'string' ? { url: w.url } : { url_file: secretFile(w.url) }),
            send_resolved: w.sendResolved,
            ...(w.maxAlerts ? { max_alerts: w.maxAlerts } : {}),
          })),
        }
      : {}),
  };
}

/** Secret names the Alertmanager config reads, for the deployment to mount. */
export function alertmanagerSecrets(stack: Stack): string[] {
  const names = new Set<string>();
  for (const rc of stack.alertmanager.receivers) {
    rc.email.forEach((e) => e.authPassword && names.add(e.authPassword.secret));
    rc.slack.forEach((s) => names.add(s.apiUrl.secret));
    rc.webhook.forEach((w) => typeof w.url !== 'string' && names.add(w.url.secret));
  }
  return [...names].sort();
}
