/**
 * The rendered notification templates, rendered for real by `amtool template render` (Debian's amtool 0.25, the
 * same template functions as Alertmanager) with notification data written here: the e-mail subject, text and HTML
 * and the Slack text. The e2e test (test/e2e/notifications.test.ts) sees the Slack side through a real Alertmanager.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderStack } from '../src/render';
import { NOTIFICATION_TEMPLATES_FILE, TEMPLATES } from '../src/render/notification-templates';
import { requireBinary } from './e2e/harness';
import { devInput, parseYaml, validate } from './helpers';

const amtool = requireBinary('AMTOOL_BIN', ['amtool']);
const GRAFANA = 'https://grafana.example.com/';
const AM = 'https://alertmanager.example.com';

const alert = (labels: Record<string, string>, annotations: Record<string, string>, status = 'firing') => ({
  status,
  labels,
  annotations,
  startsAt: '2026-01-01T00:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://prometheus.example.com/graph?g0.expr=up',
  fingerprint: 'f',
});

/** Notification data of one group, as Alertmanager passes it to templates (template.Data). */
function data(alerts: ReturnType<typeof alert>[], groupLabels: Record<string, string>) {
  const common = Object.fromEntries(
    Object.entries(alerts[0].labels).filter(([k, v]) => alerts.every((a) => a.labels[k] === v)),
  );
  return { receiver: 'team-mail', status: 'firing', alerts, groupLabels, commonLabels: common, commonAnnotations: {}, externalURL: AM };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notification-templates-'));
  const input = devInput();
  input.components = { ...input.components, grafana: { externalUrl: GRAFANA } };
  rendered = renderStack(validate(input));
  fs.writeFileSync(path.join(dir, 'notifications.tmpl'), rendered[`alertmanager/${NOTIFICATION_TEMPLATES_FILE}`]);
});
let rendered: Record<string, string>;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function render(name: string, d: object, type: 'text' | 'html' = 'text'): string {
  const file = path.join(dir, 'data.json');
  fs.writeFileSync(file, JSON.stringify(d));
  return execFileSync(
    amtool,
    ['template', 'render', `--template.glob=${path.join(dir, '*.tmpl')}`, `--template.data=${file}`, `--template.type=${type}`, `--template.text={{ template "${name}" . }}`],
    { encoding: 'utf8', timeout: 10_000 },
  );
}

/** Problems of a rendered e-mail/Slack body: empty label prefixes, and the service named other than once. */
function problems(rendered: string, service?: string): string[] {
  const out: string[] = [];
  if (/\*\*|<b><\/b>|(^|\n)\s*(- \[\w+\] )?:/.test(rendered)) out.push(`empty prefix in ${JSON.stringify(rendered)}`);
  if (service) {
    const visible = rendered.replace(/(https?:\/\/[^\s"<>|]+)/g, '');
    const n = visible.split(service).length - 1;
    if (n !== 1) out.push(`"${service}" named ${n} times in ${JSON.stringify(visible)}`);
  }
  return out;
}

const withService = alert(
  { alertname: 'HttpServerErrorRatioHigh', service: 'backend', severity: 'critical' },
  { summary: 'backend: more than 1% of HTTP requests fail with 5xx', description: 'backend: 4.2% fail.', runbook_url: 'https://runbooks.example.com/5xx' },
);
const withoutService = alert({ alertname: 'Watchdog', severity: 'info' }, { summary: 'Watchdog: the alerting pipeline is alive' });

describe('notifications.tmpl rendered by amtool', () => {
  test('e-mail subject and text: service once, links to Grafana, runbook, query and Alertmanager', () => {
    const d = data([withService], { alertname: 'HttpServerErrorRatioHigh', service: 'backend', severity: 'critical' });
    const subject = render(TEMPLATES.title, d);
    expect(subject).toBe('[FIRING:1] HttpServerErrorRatioHigh on backend (critical)');
    const text = render(TEMPLATES.emailText, d);
    expect(problems(`${subject}\n${text.split('\n').slice(1).join('\n')}`, 'backend')).toEqual([]);
    expect(text).toContain(`Grafana: ${GRAFANA}`);
    expect(text).toContain('Runbook: https://runbooks.example.com/5xx');
    expect(text).toContain('Query: https://prometheus.example.com/graph?g0.expr=up');
    expect(text).toContain(`Alertmanager: ${AM}/#/alerts?receiver=team-mail`);
  });

  test('e-mail HTML: escaped, linked, and an alert without service has no empty prefix', () => {
    const d = data([withoutService], { alertname: 'Watchdog' });
    const html = render(TEMPLATES.emailHtml, d, 'html');
    expect(problems(html)).toEqual([]);
    expect(html).toContain('<li>[firing] Watchdog: the alerting pipeline is alive');
    expect(html).toContain(`<a href="${GRAFANA}">Grafana</a>`);
    expect(html).toContain(`<a href="${AM}/#/alerts?receiver=team-mail">Alertmanager</a>`);
  });

  test('Slack text: a dashboard_url annotation replaces the Grafana fallback; mixed services are named per alert', () => {
    const other = alert({ alertname: 'DiskUsageHigh', service: 'worker', severity: 'warning' }, { summary: 'worker: disk usage is high', dashboard_url: 'https://grafana.example.com/d/disk' });
    const d = data([withService, other], { severity: 'critical' });
    const text = render(TEMPLATES.slackText, d);
    expect(text).toContain('*backend*: more than 1% of HTTP requests fail with 5xx\n4.2% fail.\n');
    expect(text).toContain('*worker*: disk usage is high\n<https://grafana.example.com/d/disk|Dashboard>');
    expect(problems(text, 'worker')).toEqual([]);
  });

  test('a catalog alert\'s rendered dashboard_url is its Dashboard link, in place of the Grafana fallback', () => {
    const rule = parseYaml(rendered['prometheus/rules/http.yml']).groups[0].rules.find((r: any) => r.alert === 'HttpServerErrorRatioHigh');
    const url: string = rule.annotations.dashboard_url;
    expect(url.startsWith(`${GRAFANA}d/`)).toBe(true);
    const d = data([alert(withService.labels, { ...withService.annotations, dashboard_url: url })], { alertname: 'HttpServerErrorRatioHigh' });
    const html = render(TEMPLATES.emailHtml, d, 'html');
    expect(html).toContain(`<a href="${url}">Dashboard</a>`);
    expect(html).not.toContain('>Grafana</a>');
    expect(render(TEMPLATES.emailText, d)).toContain(`Dashboard: ${url} `);
  });

  test('the checks catch the previous template: `**:` without a service, the service twice', () => {
    expect(problems('**: Watchdog: the alerting pipeline is alive')).toHaveLength(1);
    expect(problems('[FIRING:1] X (critical)\n*backend*: backend: high', 'backend')).toHaveLength(1);
  });
});
