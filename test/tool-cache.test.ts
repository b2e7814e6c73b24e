/**
 * `check` remembers passing promtool rule-test runs by the bytes they read (src/tool-cache.ts): a second check of
 * unchanged files reuses them, and any change to a test file or to the rule file it lists runs promtool again, so a
 * broken rule is never hidden by an earlier pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runChecks } from '../src/check';
import { writeTree } from '../src/output';
import { synthesize } from '../src/synth';
import { loadFixture, tmpDir } from './helpers';

const ruleTestsResult = async (stack: ReturnType<typeof loadFixture>, files: string) =>
  (await runChecks(stack, files)).find((r) => r.name.startsWith('promtool test rules'))!;

test('a second check reuses the passing rule tests; a changed rule file runs them again and fails', async () => {
  const stack = loadFixture('dev');
  const files = path.join(tmpDir('ms-tool-cache-'), 'out', 'files');
  writeTree(path.dirname(files), synthesize(stack));
  const count = fs.readdirSync(path.join(files, 'prometheus', 'tests')).length;

  const first = await ruleTestsResult(stack, files);
  expect(first.ok).toBe(true);
  expect(first.detail ?? '').not.toContain('unchanged');
  const second = await ruleTestsResult(stack, files);
  expect(second.ok).toBe(true);
  expect(second.detail).toContain(`${count} of ${count} files unchanged since they passed in this process`);

  // The HTTP 5xx alert now needs 50% errors: its firing test case must fail although the test file is unchanged.
  const rules = path.join(files, 'prometheus', 'rules', 'http.yml');
  fs.writeFileSync(rules, fs.readFileSync(rules, 'utf8').replace(/(HttpServerErrorRatioHigh[\s\S]*?)> 0\.01\b/, '$1> 0.5'));
  const third = await ruleTestsResult(stack, files);
  expect(third.ok).toBe(false);
  expect(third.name).toContain('prometheus/tests/http.test.yml');
  expect(third.detail).toContain('HttpServerErrorRatioHigh');
});
