/** `npm run <script>` output as users pipe it: npm's banner must not land on stdout (see .npmrc). */
import { spawnSync } from 'node:child_process';
import { loadStack } from '../src/load';
import { REPO_ROOT } from './helpers';

// The CLI loads stacks/dev (whatever the user made of it): the expectation loads the same file in-process.
const npm = (args: string[]) => spawnSync('npm', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });

describe('npm run config -- --stack dev', () => {
  test('prints plain JSON on stdout: the validated config, npm\'s banner on stderr', () => {
    const r = npm(['run', 'config', '--', '--stack', 'dev']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(loadStack({ stack: 'dev' }).stack)));
    expect(r.stderr).toContain('> monitoring-stack@');
  });

  test('the same with --silent', () => {
    const r = npm(['run', '--silent', 'config', '--', '--stack', 'dev']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(loadStack({ stack: 'dev' }).stack)));
  });

  test('without the project .npmrc setting (--json=false) the banner breaks the JSON: the check above can fail', () => {
    const r = npm(['run', '--json=false', 'config', '--', '--stack', 'dev']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\n> monitoring-stack@/);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });
});
