/**
 * `npm run test:mutation` scores the whole scope only if every source file under the mutation roots belongs to
 * exactly one group and every suite a group names exists. A new renderer without a group would drop out of the
 * score silently; this test names it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers';

const { GROUPS, MUTATION_ROOTS } = require('../scripts/mutation-groups') as {
  GROUPS: Record<string, { mutate: string[]; tests: string[] }>;
  MUTATION_ROOTS: string[];
};

/** Every .ts file under a root, repository-relative. */
function sourcesUnder(root: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, root), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.posix.join(root, f.split(path.sep).join('/')));
}

/** The files of the group patterns matching `file` (`dir/**\/*.ts` or an exact path: all the groups use). */
const matches = (pattern: string, file: string) =>
  pattern.endsWith('/**/*.ts') ? file.startsWith(pattern.slice(0, -'**/*.ts'.length)) && file.endsWith('.ts') : pattern === file;

describe('mutation groups', () => {
  const sources = MUTATION_ROOTS.flatMap(sourcesUnder);

  test('every source file of the scope belongs to exactly one group', () => {
    const owners = sources.map((file) => [file, Object.keys(GROUPS).filter((g) => GROUPS[g].mutate.some((p) => matches(p, file)))]);
    expect(owners.filter(([, groups]) => groups.length !== 1)).toEqual([]);
    expect(sources.length).toBeGreaterThan(Object.keys(GROUPS).length);
  });

  test('every pattern names files of the scope, and every suite exists', () => {
    for (const { mutate, tests } of Object.values(GROUPS)) {
      for (const pattern of mutate) expect([pattern, sources.some((f) => matches(pattern, f))]).toEqual([pattern, true]);
      for (const t of tests) expect([t, fs.existsSync(path.join(REPO_ROOT, 'test', `${t}.test.ts`))]).toEqual([t, true]);
    }
  });

  test('the matcher tells a file outside a pattern from one inside', () => {
    expect(matches('src/render/kubernetes/**/*.ts', 'src/render/kubernetes/loki.ts')).toBe(true);
    expect(matches('src/render/kubernetes/**/*.ts', 'src/render/loki.ts')).toBe(false);
    expect(matches('src/render/loki.ts', 'src/render/loki.ts.bak')).toBe(false);
  });
});
