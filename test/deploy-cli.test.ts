/** npm run up | preview | destroy on a machine without the Pulumi CLI or Docker: a clear list, not a stack trace. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, tmpDir } from './helpers';

// The launcher `npm run` uses (scripts/run.cjs): a third of the CPU time of the `tsx` command per run.
const LAUNCHER = path.join(REPO_ROOT, 'scripts', 'run.cjs');

/** Runs the deploy script with a PATH that has neither pulumi nor docker, and no Docker socket. */
function deploy(args: string[], env: Record<string, string> = {}) {
  const home = tmpDir('ms-home-');
  const emptyBin = tmpDir('ms-bin-');
  const res = spawnSync(process.execPath, [LAUNCHER, path.join(REPO_ROOT, 'src', 'cli', 'deploy.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: emptyBin,
      HOME: home,
      DOCKER_HOST: `unix://${path.join(home, 'no-such-docker.sock')}`,
      ...env,
    },
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

const hasPulumiInNodeModules = fs.existsSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'pulumi'));

describe('deploy prerequisites', () => {
  test.each(['up', 'preview', 'destroy'])('%s says what is missing and how to get it', (command) => {
    const r = deploy([command]);
    expect(r.status).toBe(3);
    if (!hasPulumiInNodeModules) {
      expect(r.stderr).toContain('Pulumi CLI: "pulumi" is not on PATH');
      expect(r.stderr).toContain('curl -fsSL https://get.pulumi.com | sh');
      expect(r.stderr).toContain('npm install -g pulumi');
    }
    expect(r.stderr).toMatch(/Docker: cannot reach the Docker daemon at unix:\/\/.*no-such-docker\.sock \(no Docker daemon is listening there\)/);
    expect(r.stderr).toContain('https://docs.docker.com/engine/install/');
    expect(r.stderr).toContain('PULUMI_CONFIG_PASSPHRASE');
    // No stack trace, nothing created.
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  test('a passphrase in the environment is not reported missing', () => {
    const r = deploy(['preview'], { PULUMI_CONFIG_PASSPHRASE: 'x' });
    expect(r.status).toBe(3);
    expect(r.stderr).not.toContain('Passphrase:');
  });

  test('a bad stack name is a config problem (exit 2), checked first', () => {
    const r = deploy(['up', '--stack', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no such stack "nope"');
    expect(r.stderr).not.toContain('Pulumi CLI');
  });

  test('an unknown command prints the usage', () => {
    const r = deploy(['launch']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run up|preview|destroy');
  });
});
