/** The GitHub Actions workflows: the jobs and steps that matter, and the synth diff script they run. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as yaml from 'js-yaml';
import { REPO_ROOT, tmpDir } from './helpers';

const workflow = (name: string) => yaml.load(fs.readFileSync(path.join(REPO_ROOT, '.github', 'workflows', name), 'utf8')) as any;
const stackNames = () =>
  [...new Set(fs.readdirSync(path.join(REPO_ROOT, 'stacks')).filter((f) => /\.(ts|ya?ml|json)$/.test(f)).map((f) => f.replace(/\.[^.]+$/, '')))].sort();

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  test('runs the README setup and test commands on pushes and pull requests', () => {
    expect(Object.keys(ci.on)).toEqual(['push', 'pull_request']);
    const runs = ci.jobs.test.steps.map((s: any) => s.run).filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(['./scripts/setup.sh', 'npm test']));
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('./scripts/setup.sh');
    expect(readme).toContain('npm test');
  });
});

describe('preview.yml', () => {
  const preview = workflow('preview.yml');

  test('runs on pull requests and may comment on them', () => {
    expect(Object.keys(preview.on)).toEqual(['pull_request']);
    expect(preview.permissions['pull-requests']).toBe('write');
  });

  test('publishes the rendered-files diff between base and head in the job summary', () => {
    const job = preview.jobs['synth-diff'];
    expect(job.steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    const diff = job.steps.find((s: any) => /synth-diff\.sh/.test(s.run ?? ''));
    expect(diff.run).toMatch(/scripts\/synth-diff\.sh "\$\{\{ github\.event\.pull_request\.base\.sha \}\}" "\$\{\{ github\.event\.pull_request\.head\.sha \}\}" >> "\$GITHUB_STEP_SUMMARY"/);
  });

  test('runs pulumi preview --diff for every stack with the official action, commenting on the PR', () => {
    const job = preview.jobs['pulumi-preview'];
    expect([...job.strategy.matrix.stack].sort()).toEqual(stackNames());
    const action = job.steps.find((s: any) => /^pulumi\/actions@/.test(s.uses ?? ''));
    expect(action.uses).toBe('pulumi/actions@v6');
    expect(action.with).toMatchObject({
      command: 'preview',
      'stack-name': '${{ matrix.stack }}',
      diff: true,
      'comment-on-pr': true,
      policyPacks: 'policy',
      'cloud-url': '${{ env.PULUMI_BACKEND_URL }}',
    });
    // The backend is configurable; the passphrase comes from repository secrets.
    expect(job.env.PULUMI_BACKEND_URL).toMatch(/vars\.PULUMI_BACKEND_URL/);
    expect(job.env.PULUMI_CONFIG_PASSPHRASE).toBe('${{ secrets.PULUMI_CONFIG_PASSPHRASE }}');
  });
});

describe('scripts/synth-diff.sh', () => {
  test('shows exactly what a config change does to the rendered files', () => {
    const dir = tmpDir('ms-synth-diff-');
    const git = (...args: string[]) => {
      const res = spawnSync('git', args, { cwd: path.join(dir, 'repo'), encoding: 'utf8' });
      if (res.status !== 0) throw new Error(res.stderr);
      return res.stdout;
    };
    expect(spawnSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, path.join(dir, 'repo')]).status).toBe(0);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'repo', 'node_modules'));
    const devFile = path.join(dir, 'repo', 'stacks', 'dev.ts');
    fs.writeFileSync(devFile, fs.readFileSync(devFile, 'utf8').replace('overrides: {}', "overrides: { CacheMissRatioHigh: { threshold: 0.6 } }"));
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-am', 'raise the cache threshold');
    const res = spawnSync('bash', ['scripts/synth-diff.sh', 'HEAD~1', 'HEAD'], { cwd: path.join(dir, 'repo'), encoding: 'utf8', timeout: 300_000 });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^## Rendered files: HEAD~1 → HEAD/);
    expect(res.stdout).toContain('- `staging`: no change');
    expect(res.stdout).toMatch(/<code>dev<\/code>: \d+ file\(s\) changed/);
    expect(res.stdout).toContain('-          > 0.5\n+          > 0.6');
    expect(res.stdout).toMatch(/\+\+\+ head\/dev\/files\/prometheus\/rules\/cache\.yml/);
    expect(res.stdout).not.toMatch(/prometheus\/rules\/http\.yml/);
  });
});
