/**
 * A user's normal edits to stacks/dev.ts keep `npm test` green: a temp copy of the user's stacks/dev.ts is loaded
 * (its relative imports pointed back at the repository), the edits the README guides show are applied to it
 * (override a threshold, add a scrape target, disable an alert, add a receiver and a route), and the machinery-only
 * stack checks (test/stack-checks.ts, the same ones test/stacks.test.ts runs on stacks/*) must pass on the result.
 *
 * The alerts to tune are picked from what the user's stack actually resolves, so this holds whatever stacks/dev.ts
 * says today. A broken edit (a route to a receiver nobody defined) is refused: the harness can fail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveAlerts } from '../src/alerts';
import { validateStack, REPO_ROOT } from '../src/load';
import { renderStack } from '../src/render';
import type { Stack, StackInput } from '../src/schema';
import { parseYaml, tmpDir } from './helpers';
import { describeMachineryChecks } from './stack-checks';

/** stacks/dev.ts copied to a temp dir, relative imports rewritten to the repository; its default export. */
function tempCopyOfDev(): StackInput {
  const dir = tmpDir('ms-user-edit-');
  const text = fs.readFileSync(path.join(REPO_ROOT, 'stacks', 'dev.ts'), 'utf8');
  const rewritten = text.replace(/(from\s+')(\.\.?\/[^']*)'/g, (_m, from: string, spec: string) => `${from}${path.resolve(REPO_ROOT, 'stacks', spec)}'`);
  const file = path.join(dir, 'dev.ts');
  fs.writeFileSync(file, rewritten);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return JSON.parse(JSON.stringify(require(file).default));
}

const base = tempCopyOfDev();
const baseStack = validateStack(base, 'stacks/dev.ts (temp copy)');

/** Single-severity catalog alerts of the user's stack with a `>` threshold: candidates to tune and to disable. */
function tunable(stack: Stack) {
  return resolveAlerts(stack)
    .filter((g) => g.name !== 'custom')
    .flatMap((g) => g.rules)
    .filter((r) => r.tiers.length === 1 && 'threshold' in r && typeof r.threshold === 'number' && r.threshold > 0)
    .filter((r) => !('op' in r) || r.op === undefined || r.op === '>');
}

const candidates = tunable(baseStack);
const tuned = candidates[0];
const disabled = candidates.find((r) => r.name !== tuned?.name);
const newThreshold = tuned ? Number(((tuned as { threshold: number }).threshold * 1.2).toPrecision(4)) : 0;

const NEW_JOB = 'user-edit-worker';
const NEW_RECEIVER = 'user-edit-team';

/** The README's edits, each a function of the input, applied to a deep copy. */
const EDITS: Record<string, (s: StackInput) => void> = {
  'override a threshold': (s) => {
    if (tuned) s.alerts = { ...s.alerts, overrides: { ...s.alerts?.overrides, [tuned.name]: { ...s.alerts?.overrides?.[tuned.name], threshold: newThreshold } } };
  },
  'add a scrape target': (s) => {
    s.scrapeTargets = [...(s.scrapeTargets ?? []), { job: NEW_JOB, targets: ['worker:9100'], interval: '30s', labels: { team: 'ml' }, ruleSets: ['system'] }];
  },
  'disable an alert': (s) => {
    if (disabled) s.alerts = { ...s.alerts, overrides: { ...s.alerts?.overrides, [disabled.name]: { enabled: false } } };
  },
  'add a receiver and a route to it': (s) => {
    s.alertmanager.receivers = [...s.alertmanager.receivers, { name: NEW_RECEIVER, webhook: [{ url: 'http://alert-relay:8080/alerts' }] }];
    s.alertmanager.route = { ...s.alertmanager.route, routes: [{ matchers: ['team="user-edit"'], receiver: NEW_RECEIVER }, ...(s.alertmanager.route.routes ?? [])] };
  },
};

function edited(names = Object.keys(EDITS)): StackInput {
  const copy = JSON.parse(JSON.stringify(base)) as StackInput;
  for (const n of names) EDITS[n](copy);
  return copy;
}

const editedStack = () => validateStack(edited(), 'stacks/dev.ts (temp copy, edited)');

test('the user\'s dev stack has catalog alerts to tune and to disable', () => {
  expect(tuned).toBeDefined();
  expect(disabled).toBeDefined();
});

describe('each edit takes effect in the rendered files', () => {
  const files = () => renderStack(editedStack());

  test('override a threshold: the rule compares against the new value', () => {
    const rules = Object.entries(files()).filter(([f]) => f.startsWith('prometheus/rules/')).flatMap(([, t]) => parseYaml(t).groups.flatMap((g: any) => g.rules));
    const rule = rules.find((r: any) => r.alert === tuned!.name);
    expect(rule.expr).toMatch(new RegExp(`> ${String(newThreshold).replace('.', '\\.')}$`));
  });

  test('add a scrape target: Prometheus scrapes it', () => {
    const jobs = parseYaml(files()['prometheus/prometheus.yml']).scrape_configs.map((s: any) => s.job_name);
    expect(jobs).toContain(NEW_JOB);
  });

  test('disable an alert: no rule has its name', () => {
    const text = Object.entries(files()).filter(([f]) => f.startsWith('prometheus/rules/')).map(([, t]) => t).join('\n');
    expect(text).not.toContain(`alert: ${disabled!.name}\n`);
  });

  test('add a receiver and a route: Alertmanager has both', () => {
    const am = parseYaml(files()['alertmanager/alertmanager.yml']);
    expect(am.receivers.map((r: any) => r.name)).toContain(NEW_RECEIVER);
    expect(am.route.routes[0]).toMatchObject({ receiver: NEW_RECEIVER, matchers: ['team="user-edit"'] });
  });
});

describeMachineryChecks('stacks/dev.ts with all four edits', editedStack);

test('failing fixture: an edit that routes to an undefined receiver is refused, so these checks can fail', () => {
  const bad = edited();
  bad.alertmanager.route = { ...bad.alertmanager.route, routes: [{ matchers: ['team="x"'], receiver: 'nobody' }] };
  expect(() => validateStack(bad, 'stacks/dev.ts (temp copy)')).toThrow(/unknown receiver "nobody"/);
});
