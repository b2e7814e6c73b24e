/**
 * Which URLs carry a credential, and so may only be given as a secret reference: a URL with a user name or password
 * (`user:pass@`), with a query string (`?token=…`, `?key=…`, `?sig=…`), or to a service whose URL itself is the
 * credential (the list below). Anything else is a plain internal URL, e.g. `http://alert-relay:8080/alerts`.
 */

/** A service whose webhook or API URL carries its token, in the path or the host part. */
export interface TokenHost {
  /** The host; its subdomains match too (`webhook.office.com` matches `contoso.webhook.office.com`). */
  host: string;
  what: string;
}

/** Keep this list the one place that names token-bearing services; validate.ts applies it to every receiver URL. */
export const TOKEN_BEARING_HOSTS: readonly TokenHost[] = [
  { host: 'hooks.slack.com', what: 'a Slack incoming webhook' },
  { host: 'webhook.office.com', what: 'a Microsoft Teams incoming webhook' },
  { host: 'outlook.office.com', what: 'a Microsoft Teams (Office 365 connector) webhook' },
  { host: 'outlook.office365.com', what: 'a Microsoft Teams (Office 365 connector) webhook' },
  { host: 'logic.azure.com', what: 'a Microsoft Teams workflow (Power Automate) trigger' },
  { host: 'discord.com', what: 'a Discord webhook' },
  { host: 'discordapp.com', what: 'a Discord webhook' },
  { host: 'chat.googleapis.com', what: 'a Google Chat webhook' },
  { host: 'hooks.zapier.com', what: 'a Zapier webhook' },
  { host: 'maker.ifttt.com', what: 'an IFTTT webhook' },
  { host: 'api.telegram.org', what: 'a Telegram bot API' },
  { host: 'pagerduty.com', what: 'a PagerDuty endpoint' },
  { host: 'opsgenie.com', what: 'an Opsgenie endpoint' },
  { host: 'alert.victorops.com', what: 'a Splunk On-Call (VictorOps) endpoint' },
  { host: 'oapi.dingtalk.com', what: 'a DingTalk robot webhook' },
  { host: 'qyapi.weixin.qq.com', what: 'a WeChat Work robot webhook' },
  { host: 'hc-ping.com', what: 'a Healthchecks.io ping' },
  { host: 'nosnch.in', what: "a Dead Man's Snitch check-in" },
];

/** `invalid`: not an http(s) URL at all; `credential`: a URL that can carry a credential. */
export type UrlVerdict = { ok: true } | { ok: false; kind: 'invalid' | 'credential'; reason: string };

/** Whether `text` may be written as a plain URL; the reason never repeats the secret part of the URL. */
export function plainUrlVerdict(text: string): UrlVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, kind: 'invalid', reason: 'not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, kind: 'invalid', reason: `the scheme "${url.protocol}" is not http: or https:` };
  if (url.username || url.password) return { ok: false, kind: 'credential', reason: 'the URL carries a user name or password (user:pass@)' };
  if (url.search) return { ok: false, kind: 'credential', reason: 'the URL has a query string, which can carry a token (?token=…)' };
  const host = url.hostname.replace(/\.$/, ''); // "hooks.slack.com." is the same host
  const known = TOKEN_BEARING_HOSTS.find((t) => host === t.host || host.endsWith(`.${t.host}`));
  // The host is not named back: it would be the start of the credential in a log.
  if (known) return { ok: false, kind: 'credential', reason: `this is ${known.what} URL, which is itself the credential` };
  return { ok: true };
}
