/** Bad input: one line per problem naming file and JSON path, exit code 2, nothing written, no stack trace. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError } from '../src/errors';
import { buildJsonSchema, receiverSecretFields } from '../src/schema';
import { TOKEN_BEARING_HOSTS } from '../src/credential-urls';
import { seedInput, runCli, tmpDir, validate } from './helpers';

/** The problems of an input, as the CLI prints them. */
function problems(input: unknown): string[] {
  try {
    validate(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const mutate = (fn: (c: any) => void) => {
  const c = seedInput() as any;
  c.alerts.custom ??= [];
  c.alerts.overrides ??= {};
  fn(c);
  return c;
};

describe('bad input is rejected with a JSON path and what was expected', () => {
  test('unknown field', () => {
    expect(problems(mutate((c) => (c.scrapeTargets[0].scrape_interval = '15s')))).toEqual([
      expect.stringMatching(/^\$\.scrapeTargets\[0\]\.scrape_interval: unknown field "scrape_interval"; expected one of: job, targets, kubernetes, metricsPath/),
    ]);
  });

  test('wrong type', () => {
    expect(problems(mutate((c) => (c.components = { prometheus: { port: '9090' } })))).toEqual([
      '$.components.prometheus.port: expected integer, got the string "9090"',
    ]);
  });

  test('duration like "5 minutes"', () => {
    expect(problems(mutate((c) => (c.prometheus.scrapeInterval = '5 minutes')))).toEqual([
      '$.prometheus.scrapeInterval: "5 minutes" is not valid: expected a Prometheus duration such as "30s", "5m" or "1h30m"',
    ]);
  });

  test('duplicate job name', () => {
    const p = problems(mutate((c) => c.scrapeTargets.push({ job: 'backend', targets: ['other:8000'] })));
    expect(p).toEqual(['$.scrapeTargets[3].job: duplicate job name "backend" (already scrapeTargets[0]); expected a unique job name']);
  });

  test('job name colliding with a component self-scrape job', () => {
    const p = problems(mutate((c) => c.scrapeTargets.push({ job: 'loki', targets: ['other:3100'] })));
    expect(p[0]).toMatch(/^\$\.scrapeTargets\[3\]\.job: duplicate job name "loki" \(already the self-scrape job of loki\)/);
  });

  test('route to an unknown receiver', () => {
    const p = problems(mutate((c) => (c.alertmanager.route.routes[1].receiver = 'pagerduty')));
    const known = seedInput().alertmanager!.receivers!.map((r) => r.name).join(', ');
    expect(p).toEqual([`$.alertmanager.route.routes[1].receiver: unknown receiver "pagerduty"; expected one of: ${known}`]);
  });

  test('unparsable PromQL', () => {
    const p = problems(
      mutate((c) =>
        c.alerts.custom.push({ kind: 'raw', name: 'Broken', expr: 'sum(rate(http_requests_total[5m]) > 1', test: { firing: [{ series: 'x', values: '1' }] } }),
      ),
    );
    expect(p).toEqual([expect.stringMatching(/^\$\.alerts\.custom\[0\]\.expr: not valid PromQL: (syntax error at column \d+|unexpected end of expression)/)]);
  });

  test('unparsable matchers in a typed alert', () => {
    const p = problems(
      mutate((c) =>
        c.alerts.custom.push({ kind: 'gauge', name: 'QueueDeep', jobs: ['backend'], metric: 'queue_depth', matchers: 'queue=~', threshold: 5 }),
      ),
    );
    expect(p).toEqual([expect.stringMatching(/^\$\.alerts\.custom\[0\]\.matchers: not valid PromQL/)]);
  });

  test('invalid label name', () => {
    const p = problems(mutate((c) => (c.scrapeTargets[0].labels['team-name'] = 'chat')));
    expect(p).toEqual([expect.stringMatching(/^\$\.scrapeTargets\[0\]\.labels\["team-name"\]: invalid name "team-name": expected a label name matching \[a-zA-Z_\]\[a-zA-Z0-9_\]\*$/)]);
  });

  test('reserved label name', () => {
    const p = problems(mutate((c) => (c.scrapeTargets[0].labels.__address__ = 'x')));
    expect(p).toEqual(['$.scrapeTargets[0].labels.__address__: label names starting with "__" are reserved for Prometheus']);
  });

  test('a literal secret where a reference is required', () => {
    const p = problems(mutate((c) => (c.alertmanager.receivers[0].email[0].authPassword = 'hunter2')));
    expect(p).toEqual([expect.stringMatching(/^\$\.alertmanager\.receivers\[0\]\.email\[0\]\.authPassword: a literal secret is not allowed here; expected a secret reference \{ secret: "<name>" \}/)]);
    // The literal value is never echoed back.
    expect(p.join('\n')).not.toContain('hunter2');
  });

  test('alert on a job that is not scraped', () => {
    const p = problems(
      mutate((c) => c.alerts.custom.push({ kind: 'down', name: 'ShopDown', jobs: ['shop'] })),
    );
    expect(p).toEqual([expect.stringMatching(/^\$\.alerts\.custom\[0\]\.jobs\[0\]: alert watches job "shop", which the stack does not scrape/)]);
  });

  test('raw PromQL selecting a job that is not scraped', () => {
    const p = problems(
      mutate((c) =>
        c.alerts.custom.push({ kind: 'raw', name: 'ShopSlow', expr: 'rate(x{job="shop"}[5m]) > 1', test: { firing: [{ series: 'x{job="shop"}', values: '0+100x20' }] } }),
      ),
    );
    expect(p).toEqual([expect.stringMatching(/^\$\.alerts\.custom\[0\]\.expr: the expression selects job "shop", which the stack does not scrape/)]);
  });

  test('unknown alert kind, override of an unknown catalog alert, threshold on a tiered alert', () => {
    const p = problems(
      mutate((c) => {
        c.alerts.custom.push({ kind: 'percentile', name: 'X', jobs: ['backend'] });
        c.alerts.overrides.HighErrorRate = { threshold: 0.1 };
        c.alerts.overrides.HttpLatencyP95High = { threshold: 3 };
      }),
    );
    expect(p).toEqual([
      expect.stringMatching(/^\$\.alerts\.custom\[0\]\.kind: unknown kind "percentile"; expected one of ratio, latency, gauge, increase, down, raw$/),
    ]);
    const q = problems(
      mutate((c) => {
        c.alerts.overrides.HighErrorRate = { threshold: 0.1 };
        c.alerts.overrides.HttpLatencyP95High = { threshold: 3 };
      }),
    );
    expect(q).toEqual([
      expect.stringMatching(/^\$\.alerts\.overrides\.HighErrorRate: no catalog alert named "HighErrorRate"; expected one of: /),
      expect.stringMatching(/^\$\.alerts\.overrides\.HttpLatencyP95High\.threshold: HttpLatencyP95High has a threshold per severity \(warning, critical\); expected "thresholds"/),
    ]);
  });

  test('several problems are reported together', () => {
    const p = problems(
      mutate((c) => {
        c.prometheus.evaluationInterval = '15 s';
        c.bindAddress = 'localhost';
        delete c.alertmanager.route.receiver;
      }),
    );
    expect(p).toHaveLength(3);
  });

  test('duplicate log jobs, and a log job taken by Docker discovery', () => {
    const p = problems(
      mutate((c) => {
        c.logs.dockerDiscovery = true;
        c.logs.sources = [...c.logs.sources, { ...c.logs.sources[0] }, { job: 'docker_logs', hostPath: '/x' }];
      }),
    );
    expect(p).toEqual([
      '$.logs.sources[5].job: duplicate log job "backend_logs"',
      '$.logs.sources[6].job: "docker_logs" is the job of the Docker container logs (dockerDiscovery); expected another name',
    ]);
  });

  test('matchers: bad syntax, and a regex that does not compile', () => {
    expect(problems(mutate((c) => (c.alertmanager.route.routes[1].matchers = ['severity=critical'])))).toEqual([
      expect.stringMatching(/^\$\.alertmanager\.route\.routes\[1\]\.matchers\[0\]: "severity=critical" is not valid: expected a matcher such as severity="critical"/),
    ]);
    expect(problems(mutate((c) => (c.alertmanager.inhibitRules[0].sourceMatchers = ['service=~"(api"'])))).toEqual([
      '$.alertmanager.inhibitRules[0].sourceMatchers[0]: the regular expression in "service=~\\"(api\\"" does not compile',
    ]);
  });

  test('scrape timeout longer than the interval', () => {
    const p = problems(mutate((c) => (c.scrapeTargets[1].interval = '5s')));
    expect(p).toEqual(['$.scrapeTargets[1].interval: scrape timeout 10s is longer than the scrape interval 5s; expected a timeout no longer than the interval']);
  });
});

describe('a receiver URL that can carry a credential is a secret reference only', () => {
  // The fixture's `deadman` receiver (no config of its own) gets the webhook under test.
  const D = seedInput().alertmanager!.receivers!.findIndex((r) => r.name === 'deadman');
  const withWebhookUrl = (url: unknown) => mutate((c) => (c.alertmanager.receivers[D].webhook = [{ url }]));
  const WHERE = `$.alertmanager.receivers[${D}].webhook[0].url`;
  // test.yaml is not under stacks/, so the Pulumi stack is a placeholder.
  const HOW = `write { secret: "deadmanUrl" } here and store the URL under that name with: pulumi config set --stack <stack> --secret deadmanUrl '<the URL>'`;
  const SECRET_PART = 'T0AAA-B0BBB-XyZsecret';

  test.each([
    ['Slack incoming webhook', `https://hooks.slack.com/services/${SECRET_PART}`, 'this is a Slack incoming webhook URL, which is itself the credential'],
    ['Teams incoming webhook', `https://contoso.webhook.office.com/webhookb2/${SECRET_PART}`, 'this is a Microsoft Teams incoming webhook URL, which is itself the credential'],
    ['Discord webhook', `https://discord.com/api/webhooks/${SECRET_PART}`, 'this is a Discord webhook URL, which is itself the credential'],
    ['user:pass@', `https://alerts:${SECRET_PART}@relay.example.com/hook`, 'the URL carries a user name or password (user:pass@)'],
    ['?token=', `http://alert-relay:8080/alerts?token=${SECRET_PART}`, 'the URL has a query string, which can carry a token (?token=…)'],
  ])('%s as a plain string is rejected, saying how to make it a secret, without repeating it', (_what, url, reason) => {
    const p = problems(withWebhookUrl(url));
    expect(p).toEqual([`${WHERE}: ${reason}; a URL that can carry a credential is kept as a Pulumi secret: ${HOW}`]);
    expect(p.join('\n')).not.toContain(SECRET_PART);
  });

  test('every listed token-bearing service is rejected, and so are its subdomains', () => {
    for (const { host } of TOKEN_BEARING_HOSTS) {
      for (const h of [host, `eu.${host}`]) expect(problems(withWebhookUrl(`https://${h}/x`))).toEqual([expect.stringMatching(/which is itself the credential/)]);
    }
  });

  test('a plain internal URL is accepted as a string', () => {
    expect(problems(withWebhookUrl('http://alert-relay:8080/alerts'))).toEqual([]);
    expect(problems(withWebhookUrl('https://relay.internal/hooks/alerts'))).toEqual([]);
  });

  test('a string that is not an http(s) URL', () => {
    expect(problems(withWebhookUrl('relay:8080/alerts'))).toEqual([
      `${WHERE}: the scheme "relay:" is not http: or https:; expected a plain http(s) URL of an internal endpoint such as "http://alert-relay:8080/alerts", or a secret reference { secret: "deadmanUrl" }`,
    ]);
  });

  test('a URL where the secret NAME belongs: one message that says so, without the URL', () => {
    const url = `https://hooks.slack.com/services/${SECRET_PART}`;
    const expected =
      '{ secret: … } takes the name of a Pulumi secret (letters, digits, "_" and "-", starting with a letter), not the URL itself; ' +
      `write { secret: "deadmanUrl" } and store the value under that name with: pulumi config set --stack <stack> --secret deadmanUrl '<the URL>'`;
    expect(problems(withWebhookUrl({ secret: url }))).toEqual([`${WHERE}.secret: ${expected}`]);
    // Secret-only fields get the same message.
    const slack = problems(mutate((c) => (c.alertmanager.receivers[1].slack[0].apiUrl = { secret: url })));
    expect(slack).toEqual([`$.alertmanager.receivers[1].slack[0].apiUrl.secret: ${expected.replace(/deadmanUrl/g, 'teamSlackApiUrl')}`]);
    expect(problems(withWebhookUrl({ secret: 'pagerWebhookUrl' }))).toEqual([]);
  });

  test('every URL field of every receiver type is a secret or a checked URL', () => {
    // Read from the JSON Schema, the form users see: a new receiver type with a URL field fails here until it uses
    // ReceiverUrl or ReceiverSecret (src/schema.ts).
    const schema = buildJsonSchema() as any;
    const receiver = schema.properties.alertmanager.properties.receivers.items.properties;
    const checked = receiverSecretFields();
    const types = Object.keys(receiver).filter((t) => receiver[t].type === 'array');
    expect(types).toEqual(Object.keys(checked));
    for (const type of types) {
      const urlFields = Object.keys(receiver[type].items.properties).filter((f) => /url/i.test(f));
      expect(urlFields.filter((f) => ![...checked[type].url, ...checked[type].secretOnly].includes(f))).toEqual([]);
    }
    expect(checked.webhook.url).toEqual(['url']);
  });
});

describe('the CLI on bad input', () => {
  const cases: Array<[string, (c: any) => void, RegExp]> = [
    ['unknown field', (c) => (c.prometheus.retention = '15d'), /: \$\.prometheus\.retention: unknown field "retention"/],
    ['duration', (c) => (c.prometheus.scrapeInterval = '5 minutes'), /: \$\.prometheus\.scrapeInterval: "5 minutes" is not valid/],
    ['literal secret', (c) => (c.alertmanager.receivers[1].slack[0].apiUrl = 'https://hooks.slack.com/services/T000/B000/XXXX'), /: \$\.alertmanager\.receivers\[1\]\.slack\[0\]\.apiUrl: a literal secret is not allowed here/],
    ['Slack hook as a plain webhook URL', (c) => (c.alertmanager.receivers[c.alertmanager.receivers.findIndex((r: { name: string }) => r.name === 'deadman')].webhook = [{ url: 'https://hooks.slack.com/services/T000/B000/XXXX' }]), /: \$\.alertmanager\.receivers\[\d+\]\.webhook\[0\]\.url: this is a Slack incoming webhook URL/],
    ['a URL as a secret name', (c) => (c.alertmanager.receivers[c.alertmanager.receivers.findIndex((r: { name: string }) => r.name === 'deadman')].webhook = [{ url: { secret: 'https://hooks.slack.com/services/T000/B000/XXXX' } }]), /: \$\.alertmanager\.receivers\[\d+\]\.webhook\[0\]\.url\.secret: \{ secret: … \} takes the name of a Pulumi secret/],
  ];

  test.each(cases)('%s: exit 2, "<file>: <path>: <message>", no output directory, no stack trace', (_name, fn, line) => {
    const dir = tmpDir();
    const config = path.join(dir, 'bad.yaml');
    fs.writeFileSync(config, yaml.dump(mutate(fn)));
    const out = path.join(dir, 'out');
    const res = runCli('synth', ['--config', config, '--out', out]);
    expect(res.status).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${line.source}`));
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(res.stderr).not.toContain('hooks.slack.com');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['bad.yaml']); // no staging leftovers either
  });

  test('an existing output directory is left untouched on bad input', () => {
    const dir = tmpDir();
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'previous output');
    const config = path.join(dir, 'bad.json');
    fs.writeFileSync(config, JSON.stringify(mutate((c) => (c.scrapeTargets[0].job = 'bad job'))));
    const res = runCli('synth', ['--config', config, '--out', out]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain(`${config}: $.scrapeTargets[0].job: "bad job" is not valid`);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });

  test('YAML syntax errors name the line', () => {
    const dir = tmpDir();
    const config = path.join(dir, 'broken.yaml');
    fs.writeFileSync(config, 'name: x\nscrapeTargets:\n  - job: [unclosed\n');
    const res = runCli('check', ['--config', config]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`^${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line \\d+, column \\d+: not valid YAML`));
  });

  test('an unknown stack names the known ones', () => {
    const res = runCli('config', ['--stack', 'nope']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^stacks\/nope: \$: no such stack "nope"; known stacks: .*dev/);
  });

  test('unknown command-line option', () => {
    const res = runCli('synth', ['--stack', 'dev', '--output', '/tmp/x']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/Unknown option '--output'/);
  });
});
