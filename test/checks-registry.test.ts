/**
 * Every named check of the registry (src/checks) has a passing and a failing fixture here: rule and alert-text
 * checks run on one hand-written rule against the seed fixture stack (backend scraped every 15s, the http family's
 * counter http_requests_total, histogram http_request_duration_seconds, gauge active_users); config checks run on
 * the validated seed fixture and on a copy with one field broken. Expectations come from these inputs.
 */
import { CHECKS } from '../src/checks';
import type { CheckContext, DashboardEntry, RuleEntry } from '../src/checks/types';
import type { Stack } from '../src/schema';
import { loadFixture, seedInput, validate, withPodLogs } from './helpers';

const FILE = 'prometheus/rules/custom.yml';
const seed = loadFixture('dev');

const texts = { summary: 'Something is wrong', description: '{{ $labels.service }}: {{ $value | humanize }}', runbook_url: 'https://runbooks.example.com/x' };
const alert = (expr: string, extra: Partial<RuleEntry> = {}): RuleEntry => ({
  alert: 'CustomAlert', expr, for: '5m', labels: { severity: 'warning' }, annotations: texts, ...extra,
});
const GOOD = alert('sum by (job, service) (rate(http_requests_total{job="backend",status="500"}[5m])) > 1');

function ctxOf(stack: Stack, rules: RuleEntry[], dashboards: DashboardEntry[] = []): CheckContext {
  return { stack, source: 'test-stack.ts', filesDir: '', rules: [{ file: FILE, groups: [{ name: 'custom', rules }] }], dashboards };
}

/** A seed stack with one change (a deep copy; the change may break what the schema would refuse). */
function broken(change: (s: Stack) => void): Stack {
  const s = JSON.parse(JSON.stringify(seed)) as Stack;
  change(s);
  return s;
}

const overview: DashboardEntry = { file: 'grafana/dashboards/Application/overview.json', text: '{}', json: { uid: 'overview' } };

interface Case {
  pass: CheckContext;
  fail: CheckContext;
  /** Words the failing finding's message must contain (from the failing input). */
  says: string[];
}

const rules = (pass: RuleEntry[], fail: RuleEntry[], says: string[]): Case => ({ pass: ctxOf(seed, pass), fail: ctxOf(seed, fail), says });
const config = (fail: (s: Stack) => void, says: string[]): Case => ({ pass: ctxOf(seed, []), fail: ctxOf(broken(fail), []), says });

/** The seed stack with one SLO on the backend (validated, so defaults apply), and a copy selecting another job. */
function sloStacks(): { good: Stack; bad: Stack } {
  const input = seedInput();
  input.slos = [{ name: 'availability', target: 0.999, window: '30d', indicator: { errors: 'http_requests_total{job="backend",status=~"5.."}', total: 'http_requests_total{job="backend"}' } }];
  const good = validate(input);
  const bad = JSON.parse(JSON.stringify(good)) as Stack;
  bad.slos[0].indicator = { errors: 'http_requests_total{job="nowhere",status=~"5.."}', total: 'http_requests_total{job="nowhere"}' } as never;
  return { good, bad };
}
const SLO = sloStacks();

/** The seed stack with one remote-write target, and a copy that sets both kinds of credential. */
function remoteWriteStacks(): { good: Stack; bad: Stack } {
  const input = seedInput();
  input.prometheus = { ...input.prometheus, remoteWrite: [{ name: 'mimir', url: 'https://mimir.example.com/api/v1/push', bearerToken: { secret: 'mimirToken' } }] };
  const good = validate(input);
  const bad = JSON.parse(JSON.stringify(good)) as Stack;
  bad.prometheus.remoteWrite[0].basicAuth = { username: 'tenant', password: { secret: 'mimirPassword' } };
  return { good, bad };
}
const REMOTE_WRITE = remoteWriteStacks();

/** The seed stack on a cluster with Loki simple-scalable on S3, and a copy back on filesystem storage. */
function kubernetesLokiStacks(): { good: Stack; bad: Stack } {
  const input = withPodLogs(seedInput());
  const objectStorage = { type: 's3' as const, region: 'eu-central-1', bucketNames: { chunks: 'logs-chunks', ruler: 'logs-ruler' } };
  input.target = { kind: 'kubernetes', namespace: 'observability', release: 'kps', loki: { mode: 'simple-scalable', objectStorage } };
  const good = validate(input);
  const bad = JSON.parse(JSON.stringify(good)) as Stack;
  if (bad.target.kind === 'kubernetes') bad.target.loki.objectStorage = { type: 'filesystem' };
  return { good, bad };
}
const KUBERNETES_LOKI = kubernetesLokiStacks();

const CASES: Record<string, Case> = {
  'config/remote-write': { pass: ctxOf(REMOTE_WRITE.good, []), fail: ctxOf(REMOTE_WRITE.bad, []), says: ['set basicAuth or bearerToken, not both'] },
  'config/kubernetes-loki': { pass: ctxOf(KUBERNETES_LOKI.good, []), fail: ctxOf(KUBERNETES_LOKI.bad, []), says: ['"simple-scalable" needs object storage', '"filesystem"'] },
  'config/probes': config((s) => (s.components.blackbox.enabled = false), ['the stack has probes', 'blackbox exporter']),
  'config/slos': { pass: ctxOf(SLO.good, []), fail: ctxOf(SLO.bad, []), says: ['job "nowhere"', 'does not scrape'] },
  'config/components': config((s) => (s.components.alertmanager.enabled = false), ['alertmanager', 'cannot be disabled']),
  'config/scrape-targets': config((s) => s.scrapeTargets.push({ ...s.scrapeTargets[0] }), ['duplicate job name "backend"']),
  'config/alert-overrides': config((s) => (s.alerts.overrides.NoSuchAlert = { threshold: 1 }), ['no catalog alert named "NoSuchAlert"']),
  'config/custom-alerts': config((s) => s.alerts.custom.push({ ...(s.alerts.custom[0] ?? {}), kind: 'down', name: 'Watchdog', jobs: ['backend'], metric: 'up', for: '5m', severity: 'warning', labels: {}, enabled: true } as never), ['duplicate alert name "Watchdog"']),
  'config/alertmanager': config((s) => (s.alertmanager.route.receiver = 'nobody'), ['unknown receiver "nobody"']),
  'config/logs': config((s) => s.logs.sources.push({ ...s.logs.sources[0] }), [`duplicate log job "${seed.logs.sources[0].job}"`]),
  'config/log-formats': config((s) => (s.logs.sources[0].labelFields = ['level', 'user_id']), ['"user_id" is a high-cardinality field']),
  'config/dashboards': config((s) => (s.dashboards.include = ['No such dashboard']), ['No such dashboard']),
  'rules/rate-range': rules([GOOD], [alert('sum by (job, service) (rate(http_requests_total{job="backend"}[20s])) > 1')], ['20s', 'job "backend"', 'every 15s', '30s']),
  'rules/counter-rate': rules([GOOD], [alert('http_requests_total{job="backend"} > 100')], ['http_requests_total']),
  'rules/rate-on-gauge': rules([GOOD], [alert('sum by (job, service) (rate(active_users{job="backend"}[5m])) > 1')], ['active_users', 'gauge']),
  'rules/quantile-on-bucket': rules(
    [alert('histogram_quantile(0.9, sum by (job, service, le) (rate(http_request_duration_seconds_bucket{job="backend"}[5m]))) > 1')],
    [alert('histogram_quantile(0.9, sum by (job, service, le) (rate(http_request_duration_seconds_count{job="backend"}[5m]))) > 1')],
    ['http_request_duration_seconds_count', '_bucket'],
  ),
  'rules/unknown-metric': rules([GOOD], [alert('sum by (job, service) (rate(chat_messages_sent_total{job="backend"}[5m])) > 1')], ['chat_messages_sent_total', 'job "backend"']),
  'rules/routing-labels': rules([GOOD], [alert('sum by (job) (rate(http_requests_total{job="backend"}[5m])) > 1')], ['"service"']),
  'rules/comparison': rules([GOOD], [alert('sum by (job, service) (rate(http_requests_total{job="backend"}[5m]))')], ['no condition']),
  'rules/absent-for': rules(
    [alert('absent(up{job="backend",service="backend"})', { for: '1m' })],
    [alert('absent(up{job="backend",service="backend"})', { for: '15s' })],
    ['for 15s', 'job "backend"', 'every 15s', '30s'],
  ),
  'rules/plain-regex': rules([GOOD], [alert('sum by (job, service) (rate(http_requests_total{job=~"backend"}[5m])) > 1')], ['job=~"backend"', 'job="backend"']),
  'rules/duplicate': rules([GOOD, { ...GOOD, labels: { severity: 'critical' } }], [GOOD, { ...GOOD }], ['already defined']),
  'rules/value-humanize': rules([GOOD], [alert(GOOD.expr, { annotations: { ...texts, description: 'at {{ $value }}' } })], ['{{ $value }}', 'humanize']),
  'alerts/name-case': rules([GOOD], [{ ...GOOD, alert: 'custom_alert' }], ['custom_alert', 'CustomAlert']),
  'alerts/severity': rules([GOOD], [alert(GOOD.expr, { labels: { severity: 'page' } })], ['"page"']),
  'alerts/summary-static': rules([GOOD], [alert(GOOD.expr, { annotations: { ...texts, summary: '{{ $labels.job }} is bad' } })], ['templated']),
  'alerts/description-templated': rules([GOOD], [alert(GOOD.expr, { annotations: { ...texts, description: 'It is bad.' } })], ['It is bad.']),
  'alerts/runbook-url': rules([GOOD], [alert(GOOD.expr, { annotations: { summary: texts.summary, description: texts.description } })], ['runbook_url']),
  'alerts/dashboard-url': {
    pass: ctxOf(seed, [alert(GOOD.expr, { annotations: { ...texts, dashboard_url: 'https://grafana.example.com/d/overview' } })], [overview]),
    fail: ctxOf(seed, [alert(GOOD.expr, { annotations: { ...texts, dashboard_url: 'https://grafana.example.com/d/gone' } })], [overview]),
    says: ['"gone"', 'overview'],
  },
};

describe('every registered check has a passing and a failing fixture', () => {
  const own = CHECKS.filter((c) => !c.id.startsWith('dashboards/'));
  test('the table covers the registry (rules, alerts and config checks)', () => {
    expect(Object.keys(CASES).sort()).toEqual(own.map((c) => c.id).sort());
  });
  test.each(own.map((c) => [c.id, c] as const))('%s', (id, check) => {
    const c = CASES[id];
    expect(check.run(c.pass)).toEqual([]);
    const findings = check.run(c.fail);
    expect(findings.length).toBeGreaterThan(0);
    const text = findings.map((f) => `${f.file}: ${f.subject}: ${f.message}`).join('\n');
    for (const word of c.says) expect(text).toContain(word);
    if (check.target === 'config') expect(findings[0].subject).toMatch(/^\$\./);
    else expect(findings[0]).toMatchObject({ file: FILE });
  });
});

describe('the registry', () => {
  test('ids are unique, <target>/<kebab-name>, with a description and an explanation', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKS) {
      expect(c.id).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
      expect(c.description.length).toBeGreaterThan(10);
      expect(c.explain.length).toBeGreaterThan(80);
    }
  });
});

describe('rules/routing-labels and route matchers', () => {
  const check = CHECKS.find((c) => c.id === 'rules/routing-labels')!;
  const backendTeam = seed.scrapeTargets.find((t) => t.job === 'backend')!.labels.team;
  const withRoute = (matcher: string) =>
    broken((s) => s.alertmanager.route.routes.unshift({ matchers: [matcher], receiver: s.alertmanager.route.receiver, continue: false, routes: [] }));
  test(`a route on team="${backendTeam}" (the backend's team) needs the label kept`, () => {
    const found = check.run(ctxOf(withRoute(`team="${backendTeam}"`), [GOOD]));
    expect(found.map((f) => f.message).join('\n')).toContain('"team"');
  });
  test('a route on another team does not', () => {
    expect(check.run(ctxOf(withRoute(`team="not-${backendTeam}"`), [GOOD]))).toEqual([]);
  });
});
