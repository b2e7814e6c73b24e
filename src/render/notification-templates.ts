/**
 * The Alertmanager notification templates (`alertmanager/templates/notifications.tmpl`, loaded through
 * `templates:`), used by every Slack and e-mail receiver:
 *  - the title names the alert, its service (once, when the whole group shares it) and severity;
 *  - each alert's line names its service only when the group has several, and drops a leading "<service>: " from
 *    its summary and description (the catalog's start with it), so an alert without `service` shows no empty prefix;
 *  - each alert links to its Grafana dashboard (annotation `dashboard_url`, else Grafana's address), its runbook
 *    (`runbook_url`) and its Prometheus query (`.GeneratorURL`, from Prometheus' --web.external-url); the Slack
 *    title links to Alertmanager (`slack.default.titlelink`, from Alertmanager's --web.external-url).
 * Self-contained (no template of default.tmpl), so `amtool template render` can render it alone.
 * Field and function names as in alertmanager v0.28.1 template/template.go and template/default.tmpl, limited to
 * what amtool 0.25 (the checker) also knows: no `date`, `tz`, `since` or `humanizeDuration`.
 */
import type { Stack } from '../schema';
import { externalUrl } from '../links';

export const NOTIFICATION_TEMPLATES_FILE = 'templates/notifications.tmpl';

/** Template names the receivers use. */
export const TEMPLATES = {
  title: 'monitoring.title',
  slackText: 'monitoring.slack.text',
  emailHtml: 'monitoring.email.html',
  emailText: 'monitoring.email.text',
} as const;

export const use = (name: string) => `{{ template "${name}" . }}`;

/** A Go template string literal (JSON escaping is valid Go string syntax for these URLs). */
const goString = (s: string) => `{{ ${JSON.stringify(s)} }}`;

/** The links of one alert (dot is the alert), in the form `link(url, text)` gives. */
function linksTemplate(name: string, link: (url: string, text: string) => string, grafanaUrl: string | undefined): string {
  const grafana = grafanaUrl ? `{{ else }}${link(goString(grafanaUrl), 'Grafana')} ` : '';
  return [
    `{{ define "${name}" -}}`,
    `{{ with .Annotations.dashboard_url }}${link('{{ . }}', 'Dashboard')} ${grafana}{{ end -}}`,
    `{{ with .Annotations.runbook_url }}${link('{{ . }}', 'Runbook')} {{ end -}}`,
    `{{ with .GeneratorURL }}${link('{{ . }}', 'Query')}{{ end -}}`,
    '{{ end }}',
  ].join('\n');
}

const COMMON = `{{/* Alertmanager's page of this receiver's alerts, as default.tmpl's __alertmanagerURL. */}}
{{ define "monitoring.alertmanager_url" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}

{{ define "monitoring.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ with .CommonLabels.alertname }}{{ . }}{{ else }}{{ .GroupLabels.SortedPairs.Values | join " " }}{{ end }}{{ with .CommonLabels.service }} on {{ . }}{{ end }}{{ with .CommonLabels.severity }} ({{ . }}){{ end }}
{{- end }}

{{/* One alert's summary and description without a leading "<service>: " (\\Q...\\E quotes it in the regexp). */}}
{{ define "monitoring.summary" -}}
{{ $summary := or .Annotations.summary .Labels.alertname -}}
{{ if .Labels.service }}{{ reReplaceAll (printf "^\\\\Q%s\\\\E: " .Labels.service) "" $summary }}{{ else }}{{ $summary }}{{ end }}
{{- end }}
{{ define "monitoring.description" -}}
{{ if .Labels.service }}{{ reReplaceAll (printf "^\\\\Q%s\\\\E: " .Labels.service) "" .Annotations.description }}{{ else }}{{ .Annotations.description }}{{ end }}
{{- end }}

{{ define "monitoring.slack.text" -}}
{{ range .Alerts -}}
{{ if and (eq $.Status "firing") (eq .Status "resolved") }}[resolved] {{ end -}}
{{ if not $.CommonLabels.service }}{{ with .Labels.service }}*{{ . }}*: {{ end }}{{ end }}{{ template "monitoring.summary" . }}
{{ if .Annotations.description }}{{ template "monitoring.description" . }}
{{ end }}{{ template "monitoring.slack.links" . }}
{{ end }}
{{- end }}

{{ define "monitoring.email.text" -}}
{{ template "monitoring.title" . }}
{{ range .Alerts }}
- [{{ .Status }}] {{ if not $.CommonLabels.service }}{{ with .Labels.service }}{{ . }}: {{ end }}{{ end }}{{ template "monitoring.summary" . }}
{{ if .Annotations.description }}  {{ template "monitoring.description" . }}
{{ end }}  {{ template "monitoring.text.links" . }}
{{ end }}
Alertmanager: {{ template "monitoring.alertmanager_url" . }}
{{- end }}

{{ define "monitoring.email.html" -}}
<h3>{{ template "monitoring.title" . }}</h3>
<ul>
{{ range .Alerts }}<li>[{{ .Status }}] {{ if not $.CommonLabels.service }}{{ with .Labels.service }}<b>{{ . }}</b>: {{ end }}{{ end }}{{ template "monitoring.summary" . }}
{{ if .Annotations.description }}<br>{{ template "monitoring.description" . }}{{ end }}
<br>{{ template "monitoring.html.links" . }}</li>
{{ end }}</ul>
<p><a href="{{ template "monitoring.alertmanager_url" . }}">Alertmanager</a></p>
{{- end }}`;

/** notifications.tmpl for the stack: the Grafana fallback link is its external URL, when it has one. */
export function notificationTemplates(stack: Stack, header?: string): string {
  const grafanaUrl = externalUrl(stack, 'grafana');
  const comment = header ? `{{/*\n${header}\n*/}}\n` : '';
  return [
    comment + COMMON,
    linksTemplate('monitoring.slack.links', (url, text) => `<${url}|${text}>`, grafanaUrl),
    linksTemplate('monitoring.text.links', (url, text) => `${text}: ${url}`, grafanaUrl),
    linksTemplate('monitoring.html.links', (url, text) => `<a href="${url}">${text}</a>`, grafanaUrl),
    '',
  ].join('\n\n');
}
