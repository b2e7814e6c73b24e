/**
 * fast-check generators of stack configs. `validStack` draws configs that obey the schema and the cross-reference
 * rules (unique names, existing receivers, scraped jobs), so each must synthesize into files the tools accept.
 * `mutation` breaks one thing in a valid config.
 */
import fc from 'fast-check';
import type { StackInput } from '../src/schema';
import { RULE_SET_NAMES } from '../src/schema';
import { catalogAlertNames } from '../alert-rules/catalog';

// Strings from character sets: much faster to draw than fc.stringMatching.
const chars = (set: string) => fc.constantFrom(...set.split(''));
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const word = (first: string, rest: string, maxRest: number) =>
  fc.tuple(chars(first), fc.string({ unit: chars(rest), maxLength: maxRest })).map(([a, b]) => a + b);
const ident = word(LOWER, LOWER + '0123456789_', 10);
const labelName = word(LOWER, LOWER + '0123456789_', 8);
const labelValue = fc.string({ unit: chars(LOWER + 'ABC0123456789 ._:/-'), maxLength: 16 });
const duration = (choices: string[]) => fc.constantFrom(...choices);
/** Thresholds with two significant digits, like the ones people write. */
const niceNumber = (min: number, max: number) =>
  fc.integer({ min: 1, max: 99 }).chain((m) =>
    fc.constantFrom(...[-3, -2, -1, 0, 1, 2].map((e) => Number((m * 10 ** e).toPrecision(2))).filter((v) => v >= min && v <= max)),
  );
const hostPort = fc.tuple(word(LOWER, LOWER + '0123456789-', 10), fc.integer({ min: 1024, max: 65535 })).map(([h, p]) => `${h}:${p}`);

const scrapeTarget = (job: string) =>
  fc.record(
    {
      job: fc.constant(job),
      targets: fc.uniqueArray(hostPort, { minLength: 1, maxLength: 3 }),
      metricsPath: fc.constantFrom('/metrics', '/internal/metrics', '/api/v1/metrics'),
      scheme: fc.constantFrom('http' as const, 'https' as const),
      interval: duration(['15s', '30s', '1m']),
      labels: fc.dictionary(labelName.filter((n) => !n.startsWith('__')), labelValue, { maxKeys: 3 }),
      dropMetrics: fc.array(fc.constantFrom('go_.*', 'python_gc_.*', 'process_.*_bytes'), { maxLength: 2 }),
      ruleSets: fc.uniqueArray(fc.constantFrom(...RULE_SET_NAMES), { maxLength: 5 }),
    },
    { requiredKeys: ['job', 'targets'] },
  );

const severity = fc.constantFrom('critical' as const, 'warning' as const, 'info' as const);
// Sub-minute and compound durations too: the rule tests' step divides every one of them.
const forDuration = duration(['0s', '30s', '1m', '90s', '1m30s', '2m', '5m', '10m']);

function customAlert(name: string, jobs: string[]): fc.Arbitrary<any> {
  const common = { name: fc.constant(name), jobs: fc.subarray(jobs, { minLength: 1 }), for: forDuration, severity };
  const metric = word(LOWER, LOWER + '0123456789_', 18).map((m) => `${m}_total`);
  return fc.oneof(
    fc.record({
      kind: fc.constant('ratio'),
      ...common,
      numerator: metric.map((m) => ({ metric: m, matchers: 'status=~"5.."', sample: { status: '500' } })),
      denominator: fc.constant({ metrics: ['placeholder'], sample: { status: '200' } }),
      threshold: niceNumber(0.001, 0.9),
      window: duration(['2m', '5m', '10m']),
    }).map((a) => ({ ...a, denominator: { ...a.denominator, metrics: [a.numerator.metric] } })),
    fc.record({ kind: fc.constant('latency'), ...common, histogram: metric, quantile: fc.constantFrom(0.5, 0.9, 0.95, 0.99), threshold: niceNumber(0.01, 60), window: duration(['5m', '10m']) }),
    fc.record({ kind: fc.constant('gauge'), ...common, metric, op: fc.constantFrom('>', '<', '>=', '<=', '==', '!='), threshold: niceNumber(0, 1000), sample: fc.constant({ kind: 'x' }) }),
    fc.record({ kind: fc.constant('increase'), ...common, metric, threshold: niceNumber(0, 100), window: duration(['5m', '15m']) }),
    fc.record({ kind: fc.constant('down'), ...common, metric: fc.constantFrom('up', 'redis_up', 'pg_up') }),
  );
}

const catalogNames = [...catalogAlertNames().entries()];

function override(): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .subarray(catalogNames, { maxLength: 6 })
    .chain((entries) =>
      fc.tuple(
        ...entries.map(([name, entry]) => {
          const fields: Record<string, fc.Arbitrary<unknown>> = { enabled: fc.boolean(), for: forDuration };
          if (entry.tiers) {
            const sevs = Object.keys(entry.tiers);
            fields.thresholds = fc.constant(
              Object.fromEntries(sevs.map((s, i) => [s, (entry.tiers as Record<string, number>)[s] * (1 + i * 0.5)])),
            );
          } else if (entry.spec.kind === 'ratio') fields.threshold = niceNumber(0.001, 0.9);
          else if (entry.spec.kind === 'gauge' || entry.spec.kind === 'increase' || entry.spec.kind === 'latency')
            fields.threshold = entry.spec.kind === 'gauge' && entry.spec.op === '==' ? fc.constant(0) : niceNumber(0.1, 500);
          return fc.record(fields, { requiredKeys: [] }).map((o) => [name, o] as const);
        }),
      ),
    )
    .map((pairs) => Object.fromEntries(pairs));
}

const matcher = fc.oneof(
  severity.map((s) => `severity="${s}"`),
  ident.map((t) => `team="${t}"`),
  fc.constantFrom('alertname="Watchdog"', 'service=~"api|web"'),
);

function route(receivers: string[], depth: number): fc.Arbitrary<any> {
  return fc.record(
    {
      receiver: fc.constantFrom(...receivers),
      matchers: fc.array(matcher, { minLength: 1, maxLength: 2 }),
      continue: fc.boolean(),
      repeatInterval: duration(['1h', '4h']),
      routes: depth > 0 ? fc.array(route(receivers, depth - 1), { maxLength: 2 }) : fc.constant([]),
    },
    { requiredKeys: ['matchers'] },
  );
}

const receiver = (name: string) =>
  fc.record({
    name: fc.constant(name),
    email: fc.array(
      fc.record({ to: fc.constant('team@example.com'), from: fc.constant('am@example.com'), smarthost: fc.constant('smtp.example.com:587'), authPassword: ident.map((s) => ({ secret: `smtp_${s}` })) }),
      { maxLength: 1 },
    ),
    slack: fc.array(fc.record({ apiUrl: ident.map((s) => ({ secret: `slack_${s}` })), channel: fc.constantFrom('#alerts', '#ops') }), { maxLength: 1 }),
    webhook: fc.array(fc.record({ url: fc.oneof(fc.constant('http://relay.internal:8080/hook'), ident.map((s) => ({ secret: `hook_${s}` }))) }), { maxLength: 1 }),
  });

export const validStack: fc.Arbitrary<StackInput> = fc
  .record({
    name: ident,
    environment: fc.constantFrom('dev', 'staging', 'prod'),
    jobs: fc.uniqueArray(ident.filter((j) => !['prometheus', 'alertmanager', 'grafana', 'loki', 'promtail', 'jaeger'].includes(j)), { maxLength: 5 }),
    receivers: fc.uniqueArray(ident, { minLength: 1, maxLength: 4 }),
    catalog: fc.boolean(),
    scrapeInterval: duration(['15s', '30s', '1m']),
  })
  .chain((base) =>
    fc.record({
      targets: fc.tuple(...base.jobs.map((j) => scrapeTarget(j))),
      custom: base.jobs.length
        ? fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 4 }).chain((ids) => fc.tuple(...ids.map((i) => customAlert(`Custom${i}Alert`, base.jobs))))
        : fc.constant([]),
      overrides: override(),
      receivers: fc.tuple(...base.receivers.map((r) => receiver(r))),
      routes: fc.array(route(base.receivers, 1), { maxLength: 3 }),
      rootReceiver: fc.constantFrom(...base.receivers),
      inhibit: fc.boolean(),
    }).map((parts) => ({
      name: base.name,
      environment: base.environment,
      prometheus: { scrapeInterval: base.scrapeInterval, scrapeTimeout: '10s' },
      scrapeTargets: parts.targets,
      alerts: { catalog: base.catalog, overrides: parts.overrides, custom: parts.custom },
      alertmanager: {
        route: { receiver: parts.rootReceiver, routes: parts.routes },
        receivers: parts.receivers,
        inhibitRules: parts.inhibit ? [{ sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname', 'service'] }] : [],
      },
    })),
  ) as fc.Arbitrary<StackInput>;

/** A way of breaking a valid config: a path to change and the bad value to put there. */
export interface Mutation {
  describe: string;
  apply: (config: any) => void;
}

const DURATION_KEYS = new Set(['interval', 'timeout', 'for', 'window', 'scrapeInterval', 'scrapeTimeout', 'evaluationInterval', 'retentionTime', 'groupWait', 'groupInterval', 'repeatInterval', 'resolveTimeout']);

/** A value of another JSON type than `v`: always a schema violation, since no field accepts two scalar types. */
function otherType(v: unknown, pick: number): unknown {
  const options: unknown[] =
    typeof v === 'string' ? [42, null, true, ['x'], { x: 1 }] : typeof v === 'number' ? ['5 minutes', null, false, [1]] : ['hunter2', 7, null, {}];
  return options[pick % options.length];
}

/**
 * Ways of breaking a valid config: a wrong type anywhere, an unknown field in any object, a missing required field,
 * a literal secret, a duration like "5 minutes", an unpinned image, a duplicate job, an unknown receiver, a bad
 * label name, an unparsable matcher.
 */
export const mutation: fc.Arbitrary<Mutation> = fc
  .record({
    pick: fc.nat(),
    kind: fc.constantFrom('wrongType', 'unknownField', 'deleteRequired', 'literalSecret', 'duration', 'latest', 'duplicateJob', 'unknownReceiver', 'labelName', 'matcher'),
    field: word(LOWER, LOWER + 'ABCXYZ', 10),
  })
  .map(({ pick, kind, field }) => ({
    describe: `${kind} ${field} #${pick}`,
    apply: (config: any) => {
      const places = leaves(config);
      const choose = <T>(list: T[]) => list[pick % list.length];
      switch (kind) {
        case 'wrongType': {
          const target = choose(places.filter((p) => !p.isObject && !Array.isArray(p.value)));
          target.parent[target.key] = otherType(target.value, pick);
          break;
        }
        case 'unknownField': {
          const target = choose(places.filter((p) => p.isObject && !p.isRecord));
          target.value[`x${field}`] = 1;
          break;
        }
        case 'deleteRequired': {
          const required = [['name'], ['environment'], ['alertmanager'], ['alertmanager', 'route', 'receiver'], ['alertmanager', 'receivers']];
          const path = choose(required);
          const parent = path.slice(0, -1).reduce((o, k) => o[k], config);
          delete parent[path[path.length - 1]];
          break;
        }
        case 'literalSecret': {
          const secrets = places.filter((p) => p.isObject && 'secret' in p.value);
          if (secrets.length === 0) config.grafana = { adminPassword: 'literal-password' };
          else {
            const target = choose(secrets);
            target.parent[target.key] = 'literal-secret-value';
          }
          break;
        }
        case 'duration': {
          const durations = places.filter((p) => DURATION_KEYS.has(String(p.key)) && typeof p.value === 'string');
          if (durations.length === 0) config.prometheus = { scrapeInterval: '5 minutes' };
          else choose(durations).parent[choose(durations).key] = '5 minutes';
          break;
        }
        case 'latest':
          config.components = { [choose(['prometheus', 'alertmanager', 'grafana', 'loki', 'promtail', 'jaeger'])]: { version: 'latest' } };
          break;
        case 'duplicateJob':
          config.scrapeTargets = [...(config.scrapeTargets ?? []), { job: 'prometheus', targets: ['x:1'] }];
          break;
        case 'unknownReceiver':
          config.alertmanager.route.receiver = 'no_such_receiver_x';
          break;
        case 'labelName':
          config.prometheus = { ...(config.prometheus ?? {}), externalLabels: { 'bad-name': 'x' } };
          break;
        case 'matcher':
          config.alertmanager.inhibitRules = [{ sourceMatchers: ['severity=critical'], targetMatchers: ['severity="warning"'] }];
          break;
      }
    },
  }));

interface Place {
  parent: any;
  key: string | number;
  value: any;
  isObject: boolean;
  isRecord: boolean;
}

const RECORD_KEYS = new Set(['labels', 'externalLabels', 'overrides', 'sample', 'thresholds', 'expectLabels']);

function leaves(root: any): Place[] {
  const out: Place[] = [];
  const walk = (parent: any, key: string | number, value: any) => {
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    out.push({ parent, key, value, isObject, isRecord: RECORD_KEYS.has(String(key)) });
    if (Array.isArray(value)) value.forEach((v, i) => walk(value, i, v));
    else if (isObject) for (const [k, v] of Object.entries(value)) walk(value, k, v);
  };
  for (const [k, v] of Object.entries(root)) walk(root, k, v);
  return out;
}
