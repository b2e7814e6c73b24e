/**
 * npm run secrets: the secrets a stack needs (offline, from its config), which are set (a fake `pulumi` on PATH
 * stands in for the CLI and records what it was asked), and setting one from stdin, never from the command line.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { neededSecrets, secretReferences } from '../src/cli/secrets';
import { REPO_ROOT, tmpDir, validate } from './helpers';

// The launcher `npm run` uses (scripts/run.cjs): a third of the CPU time of the `tsx` command per run.
const LAUNCHER = path.join(REPO_ROOT, 'scripts', 'run.cjs');
const hasPulumiInNodeModules = fs.existsSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'pulumi'));

/** A `pulumi` that records each call (args, stdin, backend) and answers `pulumi config --json` with `config`. */
function fakePulumi(config: Record<string, unknown>): string {
  const bin = tmpDir('ms-fake-pulumi-');
  fs.writeFileSync(path.join(bin, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(
    path.join(bin, 'pulumi'),
    `#!/bin/bash
dir="$(dirname "$0")"; n=$(ls "$dir" | grep -c '^call-.*\\.args$')
printf '%s\\n' "$@" > "$dir/call-$n.args"
printf '%s' "$PULUMI_BACKEND_URL" > "$dir/call-$n.backend"
if [ "$1 $2" = "config set" ]; then cat > "$dir/call-$n.stdin"; fi
if [ "$1 $2" = "config --stack" ]; then cat "$dir/config.json"; fi
exit 0
`,
    { mode: 0o755 },
  );
  return bin;
}

const calls = (bin: string) =>
  fs.readdirSync(bin).filter((f) => f.endsWith('.args')).sort().map((f) => {
    const base = path.join(bin, f.replace(/\.args$/, ''));
    const stdin = fs.existsSync(`${base}.stdin`) ? fs.readFileSync(`${base}.stdin`, 'utf8') : undefined;
    return { args: fs.readFileSync(`${base}.args`, 'utf8').trimEnd().split('\n'), backend: fs.readFileSync(`${base}.backend`, 'utf8'), stdin };
  });

function secrets(args: string[], opts: { bin?: string; input?: string; env?: Record<string, string> } = {}) {
  const home = tmpDir('ms-home-');
  const res = spawnSync(process.execPath, [LAUNCHER, path.join(REPO_ROOT, 'src', 'cli', 'secrets.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    input: opts.input ?? '',
    env: { PATH: [opts.bin ?? tmpDir('ms-empty-bin-'), '/usr/bin', '/bin'].join(path.delimiter), HOME: home, ...opts.env },
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The names the dev config references, read from its input (before validation), and Grafana's default. */
/** The secret names of the user's stacks/dev (what `--stack dev` reads), whatever they made of it. */
function devSecretNames(): { required: string[]; grafana: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const input = require(path.join(REPO_ROOT, 'stacks', 'dev')).default as any;
  // The receivers' secrets and those of the enabled exporters (components.*).
  const exporters = Object.values(input.components ?? {}).filter((c: any) => c.enabled && ('password' in c || 'dsn' in c));
  const required = [...new Set(JSON.stringify([input.alertmanager, exporters]).match(/"secret":"[^"]+"/g) ?? [])].map((m) => m.slice(10, -1));
  return { required: required.sort(), grafana: input.grafana?.adminPassword?.secret ?? 'grafanaAdminPassword' };
}

describe('neededSecrets (a pinned fixture)', () => {
  test('every reference of the alertmanager receivers is required, the Grafana password optional, with their paths', () => {
    const stack = validate({
      name: 'fixture', environment: 'test', scrapeTargets: [{ job: 'api', targets: ['api:8000'] }],
      alertmanager: {
        route: { receiver: 'chat' },
        receivers: [
          { name: 'chat', slack: [{ apiUrl: { secret: 'chatUrl' }, channel: '#a' }, { apiUrl: { secret: 'chatUrl' }, channel: '#b' }] },
          { name: 'mail', email: [{ to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com:587', authUsername: 'b', authPassword: { secret: 'mailPassword' } }] },
        ],
      },
      grafana: { adminPassword: { secret: 'gfAdmin' } },
    });
    expect(neededSecrets(stack)).toEqual([
      { name: 'chatUrl', required: true, usedBy: ['$.alertmanager.receivers[0].slack[0].apiUrl', '$.alertmanager.receivers[0].slack[1].apiUrl'] },
      { name: 'mailPassword', required: true, usedBy: ['$.alertmanager.receivers[1].email[0].authPassword'] },
      { name: 'gfAdmin', required: false, usedBy: ['$.grafana.adminPassword', '(generated when not set)'] },
    ]);
  });

  test('secretReferences finds only single-key { secret } objects', () => {
    expect(secretReferences({ a: [{ secret: 'x' }], b: { secret: 'y', other: 1 }, c: 'secret' })).toEqual([{ name: 'x', path: '$.a[0]' }]);
  });
});

describe('npm run secrets -- --stack dev', () => {
  (hasPulumiInNodeModules ? test.skip : test)('lists the needed secrets offline, without the Pulumi CLI', () => {
    const r = secrets(['--stack', 'dev']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { required, grafana } = devSecretNames();
    for (const name of required) expect(r.stdout).toMatch(new RegExp(`^  ${name} +required +unknown \\(Pulumi CLI missing\\) +\\$\\.(alertmanager|components)\\.`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^  ${grafana} +optional +unknown \\(Pulumi CLI missing\\) +\\$\\.grafana\\.adminPassword`, 'm'));
    expect(r.stdout).toContain('npm run secrets -- --stack dev set <name>');
  });

  test('asks pulumi config (secret values hidden) against the project backend which are set', () => {
    const { required, grafana } = devSecretNames();
    const [first, ...rest] = required;
    const bin = fakePulumi({ [`monitoring-stack:${first}`]: { secret: true }, [`monitoring-stack:${grafana}`]: { value: 'x', secret: false }, 'other:key': { secret: true } });
    const r = secrets(['--stack', 'dev'], { bin, env: { PULUMI_BACKEND_URL: 'file:///tmp/some-state' } });
    expect(r.status).toBe(0);
    expect(calls(bin)).toEqual([{ args: ['config', '--stack', 'dev', '--show-secrets=false', '--json'], backend: 'file:///tmp/some-state', stdin: undefined }]);
    if (first) expect(r.stdout).toMatch(new RegExp(`^  ${first} +required +set +\\$`, 'm'));
    for (const name of rest) expect(r.stdout).toMatch(new RegExp(`^  ${name} +required +not set +\\$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^  ${grafana} +optional +set in plain text \\(set it again\\)`, 'm'));
  });

  test('defaults to the project backend in .pulumi-state, like npm run up', () => {
    const bin = fakePulumi({});
    expect(secrets(['--stack', 'dev'], { bin }).status).toBe(0);
    expect(calls(bin)[0].backend).toBe(`file://${path.join(REPO_ROOT, '.pulumi-state')}`);
  });
});

describe('npm run secrets -- --stack dev set <name>', () => {
  const value = 'https://hooks.example.com/T0/B0/S3cret-value';

  test('passes the value from stdin to pulumi config set --secret, never in its arguments', () => {
    const { grafana } = devSecretNames();
    const bin = fakePulumi({});
    const r = secrets(['--stack', 'dev', 'set', grafana], { bin, input: `${value}\n`, env: { PULUMI_CONFIG_PASSPHRASE: 'p', PULUMI_BACKEND_URL: 'file:///tmp/st' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(calls(bin)).toEqual([
      { args: ['stack', 'select', 'dev', '--create', '--secrets-provider', 'passphrase'], backend: 'file:///tmp/st', stdin: undefined },
      { args: ['config', 'set', '--secret', '--stack', 'dev', grafana], backend: 'file:///tmp/st', stdin: `${value}\n` },
    ]);
    expect(JSON.stringify(calls(bin).map((c) => c.args))).not.toContain(value);
    expect(r.stdout).toBe('');
  });

  test('a name the stack does not use is refused (exit 2) with the names it uses', () => {
    const bin = fakePulumi({});
    const r = secrets(['--stack', 'dev', 'set', 'smtpPasword'], { bin, input: value, env: { PULUMI_CONFIG_PASSPHRASE: 'p' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`the stack "dev" uses no secret "smtpPasword"; expected one of: ${[...devSecretNames().required, devSecretNames().grafana].join(', ')}`);
    expect(calls(bin)).toEqual([]);
  });

  test('without a passphrase and no terminal to ask for it, nothing runs (exit 3)', () => {
    const bin = fakePulumi({});
    const r = secrets(['--stack', 'dev', 'set', devSecretNames().grafana], { bin, input: value });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('PULUMI_CONFIG_PASSPHRASE');
    expect(calls(bin)).toEqual([]);
  });

  test('usage errors exit 2', () => {
    expect(secrets(['--stack', 'dev', 'set']).status).toBe(2);
    expect(secrets(['--stack', 'dev', 'get', 'x']).status).toBe(2);
    expect(secrets([]).status).toBe(2);
  });
});
