/** The GitHub Actions workflows: hardening, the jobs and steps that matter, the linter, and the scripts they run. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as yaml from 'js-yaml';
import { fixtureInput, REPO_ROOT, tmpDir } from './helpers';

const WORKFLOWS = path.join(REPO_ROOT, '.github', 'workflows');
const FILES = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), 'utf8');
const workflow = (name: string) => yaml.load(text(name)) as any;
const stackNames = () =>
  [...new Set(fs.readdirSync(path.join(REPO_ROOT, 'stacks')).filter((f) => /\.(ts|ya?ml|json)$/.test(f)).map((f) => f.replace(/\.[^.]+$/, '')))].sort();
const steps = (wf: any) => Object.values(wf.jobs).flatMap((j: any) => j.steps ?? []);

/**
 * The pinned actions: commit of each release tag, read with `git show-ref --tags` from the actions' repositories.
 * All run on node24 (their action.yml `runs.using`); Node 20 was removed from hosted runners.
 */
const PINNED: Record<string, [sha: string, tag: string]> = {
  'actions/checkout': ['3d3c42e5aac5ba805825da76410c181273ba90b1', 'v7.0.1'],
  'actions/setup-node': ['820762786026740c76f36085b0efc47a31fe5020', 'v7.0.0'],
  'pulumi/actions': ['8e5e406f4007fca908480587cb9893c07090f58d', 'v7.0.0'],
  'actions/upload-artifact': ['bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', 'v7.0.0'],
  'actions/download-artifact': ['3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', 'v8.0.1'],
};

/** Inputs of pulumi/actions v7.0.0 (its action.yml) that the preview may use. */
const PULUMI_ACTION_INPUTS = [
  'command', 'stack-name', 'work-dir', 'comment-on-pr', 'comment-on-summary', 'github-token', 'cloud-url', 'upsert', 'diff',
  'policyPacks', 'policyPackConfigs', 'refresh', 'edit-pr-comment', 'color', 'suppress-outputs', 'suppress-progress',
  'always-include-summary', 'config-map', 'secrets-provider',
];

describe.each(FILES)('%s', (file) => {
  test('passes the workflow linter (action-validator)', () => {
    const r = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'action-validator'), [path.join(WORKFLOWS, file)], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('every action is pinned by the commit of a release tag, the tag in a comment', () => {
    const uses = [...text(file).matchAll(/uses:\s*(\S+)@(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, action, ref, comment] of uses) {
      expect(PINNED[action]).toBeDefined();
      expect([action, ref, comment.trim()]).toEqual([action, PINNED[action][0], `# ${PINNED[action][1]}`]);
    }
  });

  test('least privilege: read-only by default, a concurrency group that cancels stale runs', () => {
    const wf = workflow(file);
    expect(wf.permissions === undefined ? undefined : JSON.stringify(wf.permissions)).toMatch(/^(\{\}|\{"contents":"read"\})$/);
    expect(wf.concurrency.group).toMatch(/\$\{\{/);
    expect(String(wf.concurrency['cancel-in-progress'])).toMatch(/true|pull_request/);
    for (const job of Object.values(wf.jobs) as any[]) {
      expect(job.permissions).toBeDefined();
      // Secrets never in job- or workflow-level env, where every step (npm install scripts too) would see them.
      expect(JSON.stringify(job.env ?? {})).not.toMatch(/secrets\./);
    }
    expect(JSON.stringify(wf.env ?? {})).not.toMatch(/secrets\./);
  });

  test('checkouts do not persist credentials', () => {
    for (const s of steps(workflow(file)).filter((s: any) => /^actions\/checkout@/.test(s.uses ?? ''))) {
      expect((s as any).with['persist-credentials']).toBe(false);
    }
  });
});

describe('workflows that run pull request code', () => {
  // ci.yml and preview.yml check out and run the PR (npm install, tests, the Pulumi program).
  test.each(['ci.yml', 'preview.yml'])('%s holds no write permission and no secret', (file) => {
    const wf = workflow(file);
    for (const job of Object.values(wf.jobs) as any[]) expect(Object.values(job.permissions)).toEqual(['read']);
    expect(text(file)).not.toMatch(/secrets\./);
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
  });

  test('preview-comment.yml, which holds the write token, never checks out or runs code from the pull request', () => {
    const wf = workflow('preview-comment.yml');
    expect(Object.keys(wf.on)).toEqual(['workflow_run']);
    const all = steps(wf) as any[];
    expect(all.some((s) => /checkout/.test(s.uses ?? ''))).toBe(false);
    expect(all.map((s) => s.run ?? '').join('\n')).not.toMatch(/\bnpm\b|\bnode\b|\.sh\b|\bbash\b|\$\{\{/);
    // The token only on the steps that call the API.
    for (const s of all) if (/secrets\./.test(JSON.stringify(s))) expect(s.uses ?? s.env.GH_TOKEN).toBeDefined();
  });
});

describe('ci.yml', () => {
  test('runs the README setup and test commands on pushes and pull requests', () => {
    const ci = workflow('ci.yml');
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

  test('runs on every pull request, forks included, with one run per pull request', () => {
    expect(Object.keys(preview.on)).toEqual(['pull_request']);
    expect(preview.concurrency).toEqual({ group: 'preview-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
    for (const job of Object.values(preview.jobs) as any[]) expect(job.if).toBeUndefined();
  });

  test('diffs the rendered files of the merge commit against its first parent, the base', () => {
    const job = preview.jobs['synth-diff'];
    expect(job.steps[0].with).toMatchObject({ 'fetch-depth': 0 });
    const diff = job.steps.find((s: any) => /synth-diff\.sh/.test(s.run ?? ''));
    expect(diff.run).toBe('scripts/synth-diff.sh HEAD^1 HEAD >> "$GITHUB_STEP_SUMMARY"');
  });

  test('runs pulumi preview --diff for every stack on a fresh backend without stack config, summary kept', () => {
    const job = preview.jobs['pulumi-preview'];
    // Every Docker-target stack; a Kubernetes stack is applied as manifests, and the program refuses it.
    const dockerStacks = stackNames().filter((s) => require('../src/load').loadStack({ stack: s }).stack.target.kind === 'docker');
    expect([...job.strategy.matrix.stack].sort()).toEqual(dockerStacks);
    const action = job.steps.find((s: any) => /^pulumi\/actions@/.test(s.uses ?? ''));
    expect(action.with).toMatchObject({
      command: 'preview', 'stack-name': '${{ matrix.stack }}', diff: true, policyPacks: 'policy', upsert: true,
      'cloud-url': '${{ env.PULUMI_BACKEND_URL }}', 'always-include-summary': true, 'suppress-progress': true, 'comment-on-summary': true,
    });
    for (const key of Object.keys(action.with)) expect(PULUMI_ACTION_INPUTS).toContain(key);
    // No write token here, so no comment from the action; edit mode (edit-pr-comment) stays at its default.
    expect(action.with['comment-on-pr']).toBeUndefined();
    expect(action.with['edit-pr-comment']).toBeUndefined();
    expect(job.env.PULUMI_BACKEND_URL).toBe('file://${{ github.workspace }}/.pulumi-state');
    expect(job.steps.map((s: any) => s.run ?? '').join('\n')).toContain(`printf 'config: {}\\n' > "Pulumi.\${{ matrix.stack }}.yaml"`);
    const upload = job.steps.find((s: any) => /^actions\/upload-artifact@/.test(s.uses ?? ''));
    expect(upload.with.name).toBe('preview-${{ matrix.stack }}');
  });
});

describe('the workflow linter', () => {
  test('rejects a broken workflow (the check above can fail)', () => {
    const bad = path.join(tmpDir('ms-bad-workflow-'), 'bad.yml');
    fs.writeFileSync(bad, 'name: bad\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: npm test\n');
    const r = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'action-validator'), [bad], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("Additional property 'stepz' is not allowed");
  });
});

describe('.github/scripts/preview-comment.sh', () => {
  const comment = (input: string, max: number) =>
    spawnSync('bash', [path.join(REPO_ROOT, '.github', 'scripts', 'preview-comment.sh'), 'dev', 'success', '42'], {
      input, encoding: 'utf8', env: { ...process.env, PREVIEW_COMMENT_MAX: String(max) },
    });

  test('cuts a long preview from the front on whole lines: the resource summary stays, the fence closes', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `    + docker:index/container:Container resource-${i} create`);
    const input = `${lines.join('\n')}\nResources:\n    + 500 to create\n`;
    const r = comment(input, 4000);
    expect(r.status).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('<!-- monitoring-stack preview pr=42 stack=dev -->');
    expect(r.stdout).toMatch(/\n````diff\n\.\.\. truncated: \d+ earlier line\(s\) not shown/);
    expect(r.stdout.endsWith('Resources:\n    + 500 to create\n````\n')).toBe(true);
    const body = out.slice(out.indexOf('````diff') + 2, out.lastIndexOf('````'));
    for (const l of body) expect(input.split('\n')).toContain(l);
    expect(body.join('\n').length).toBeLessThanOrEqual(4000);
  });

  test('a short preview is shown whole', () => {
    const r = comment('Resources:\n    + 3 to create\n', 4000);
    expect(r.stdout).not.toContain('truncated');
    expect(r.stdout).toContain('````diff\nResources:\n    + 3 to create\n````');
  });
});

describe('scripts/synth-diff.sh', () => {
  // A repository where the base branch moved after the PR branched: the PR raises a cache threshold in dev; the base
  // then changed staging's retention. GitHub checks out a merge commit of the two.
  let repo: string;
  const git = (...args: string[]) => {
    const res = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(res.stderr);
    return res.stdout.trim();
  };
  /** Changes a JSON stack of the temp repository. */
  const edit = (file: string, change: (stack: any) => void) => {
    const p = path.join(repo, file);
    const stack = JSON.parse(fs.readFileSync(p, 'utf8'));
    change(stack);
    fs.writeFileSync(p, JSON.stringify(stack, null, 2));
  };
  const synthDiff = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('bash', ['scripts/synth-diff.sh', ...args], { cwd: repo, encoding: 'utf8', timeout: 400_000, env: { ...process.env, ...env } });

  beforeAll(() => {
    repo = path.join(tmpDir('ms-synth-diff-'), 'repo');
    expect(spawnSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, repo]).status).toBe(0);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(repo, 'node_modules'));
    git('checkout', '--quiet', '-b', 'base');
    // The seed fixtures as the repository's stacks: the user's stacks/* may hold anything.
    const stacks = path.join(repo, 'stacks');
    for (const f of fs.readdirSync(stacks)) fs.rmSync(path.join(stacks, f));
    for (const name of ['dev', 'staging'] as const) fs.writeFileSync(path.join(stacks, `${name}.json`), JSON.stringify(fixtureInput(name), null, 2));
    git('add', '--all', 'stacks');
    git('commit', '--quiet', '-m', 'base: the seed fixtures as stacks');
    git('checkout', '--quiet', '-b', 'pr');
    edit('stacks/dev.json', (s) => (s.alerts.overrides = { ...s.alerts.overrides, CacheMissRatioHigh: { threshold: 0.6 } }));
    git('commit', '--quiet', '-am', 'PR: raise the cache threshold');
    git('checkout', '--quiet', 'base');
    edit('stacks/staging.json', (s) => (s.prometheus.retentionTime = '45d'));
    git('commit', '--quiet', '-am', 'base: longer staging retention');
    git('checkout', '--quiet', '--detach', 'base');
    git('merge', '--quiet', '--no-ff', '-m', 'merge pr', 'pr');
  }, 120_000);

  const onlyThePrsChange = (out: string) => {
    expect(out).toContain('- `staging`: no change');
    expect(out).not.toMatch(/retention/);
    expect(out).toMatch(/<code>dev<\/code>: \d+ file\(s\) changed/);
    expect(out).toMatch(/\+\+\+ head\/dev\/files\/prometheus\/rules\/cache\.yml/);
  };

  test('base..pr shows only the PR\'s own change, not the base\'s later one reversed', () => {
    const r = synthDiff(['base', 'pr']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    onlyThePrsChange(r.stdout);
    expect(r.stdout).toContain('-          > 0.5\n+          > 0.6');
    expect(r.stdout).not.toContain('truncated');
    expect(r.stdout).not.toMatch(/prometheus\/rules\/http\.yml/);
  }, 600_000);

  test('on the merge commit (HEAD^1 HEAD), an oversized diff is cut on whole lines, marked, with closed fences', () => {
    const max = 1200;
    const r = synthDiff(['HEAD^1', 'HEAD'], { SYNTH_DIFF_MAX_STACK: String(max), SYNTH_DIFF_MAX_TOTAL: '100000' });
    expect(r.status).toBe(0);
    onlyThePrsChange(r.stdout);
    const lines = r.stdout.split('\n');
    const open = lines.indexOf('````diff');
    const close = lines.indexOf('````', open);
    expect(open).toBeGreaterThan(0);
    expect(close).toBeGreaterThan(open);
    expect(lines.filter((l) => l.startsWith('````')).length % 2).toBe(0);
    const body = lines.slice(open + 1, close);
    expect(body[body.length - 1]).toMatch(/^\.\.\. truncated: \d+ more line\(s\) not shown; run scripts\/synth-diff\.sh locally/);
    // Whole lines of a unified diff only.
    for (const l of body.slice(0, -1)) expect(l).toMatch(/^(diff -ruN |--- |\+\+\+ |@@ |[ +-]|$)/);
    expect(body.slice(0, -1).join('\n').length).toBeLessThanOrEqual(max);
    expect(lines[close + 1]).toBe('</details>');
  }, 600_000);
});
