/**
 * Synth output is owned: synth replaces only what it wrote (files/, resources.json and its manifest), atomically,
 * and refuses a folder of someone else's unless told to write into it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { MANIFEST, writeTree } from '../src/output';
import { synthesize, synthToDirectory } from '../src/synth';
import { ConfigError } from '../src/errors';
import { devInput, readTree, runCli, tmpDir, validate } from './helpers';

const STAGING = /^\.monitoring-stack-synth\.tmp-/;
const manifestFiles = (dir: string): string[] => JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')).files;
const write = (dir: string, rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
/** The ConfigError message a call throws, or a failure when it does not throw one. */
function refusal(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.source}: ${p.path}: ${p.message}`).join('\n');
    throw err;
  }
  throw new Error('expected a refusal');
}

const OUTPUT = { 'files/a/one.yml': 'one: 1\n', 'files/a/two.yml': 'two: 2\n', 'files/b.yml': 'b: 1\n', 'resources.json': '{}\n' };

describe('synth owns only what it writes', () => {
  test('a new folder gets the files and a manifest listing exactly them', () => {
    const out = path.join(tmpDir(), 'out');
    writeTree(out, OUTPUT);
    expect(readTree(out)).toEqual({ ...OUTPUT, [MANIFEST]: expect.any(String) });
    expect(manifestFiles(out)).toEqual(Object.keys(OUTPUT).sort());
  });

  test("the user's files beside and inside files/ survive a rewrite", () => {
    const out = path.join(tmpDir(), 'out');
    writeTree(out, OUTPUT);
    write(out, 'notes.txt', 'mine');
    write(out, 'files/a/README.md', 'also mine');
    writeTree(out, { ...OUTPUT, 'files/b.yml': 'b: 2\n' });
    const tree = readTree(out);
    expect(tree['notes.txt']).toBe('mine');
    expect(tree['files/a/README.md']).toBe('also mine');
    expect(tree['files/b.yml']).toBe('b: 2\n');
    expect(manifestFiles(out)).not.toContain('notes.txt');
  });

  test('a rule file whose group went disappears; the rest is exactly the new output', () => {
    const before = synthesize(validate(devInput()));
    const input = devInput() as any;
    // No target of the redis family (and so no Redis exporter, which a target must scrape with that family).
    input.scrapeTargets = input.scrapeTargets.filter((t: any) => !(t.ruleSets ?? []).includes('redis'));
    input.components = { ...input.components, redisExporter: { enabled: false } };
    const after = synthesize(validate(input));
    const gone = Object.keys(before).filter((f) => !(f in after));
    expect(gone).toEqual(expect.arrayContaining([expect.stringMatching(/^files\/prometheus\/rules\/.*redis.*\.yml$/)]));
    const out = path.join(tmpDir(), 'out');
    writeTree(out, before);
    writeTree(out, after);
    expect(readTree(out)).toEqual({ ...after, [MANIFEST]: expect.any(String) });
  });

  test('a top-level file of the previous output that the new one lacks is removed', () => {
    const out = path.join(tmpDir(), 'out');
    writeTree(out, OUTPUT);
    const { 'resources.json': _dropped, ...rest } = OUTPUT;
    writeTree(out, rest);
    expect(fs.existsSync(path.join(out, 'resources.json'))).toBe(false);
    expect(manifestFiles(out)).toEqual(Object.keys(rest).sort());
  });
});

describe('a folder synth did not write is refused', () => {
  test('a non-empty folder without synth output: refused, untouched', () => {
    const out = tmpDir();
    write(out, 'notes.txt', 'mine');
    expect(refusal(() => writeTree(out, OUTPUT))).toBe(
      `${out}: $: holds files synth did not write (notes.txt) and no earlier synth output (${MANIFEST}); expected a new or ` +
        'empty folder, or pass --into-existing to add files and resources.json beside them (nothing else is touched)',
    );
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
  });

  test('a foreign files/ folder: refused, untouched', () => {
    const out = tmpDir();
    write(out, 'files/theirs.yml', 'x');
    expect(refusal(() => writeTree(out, OUTPUT))).toMatch(/holds files synth did not write \(files\)/);
    expect(readTree(out)).toEqual({ 'files/theirs.yml': 'x' });
  });

  test('an empty folder is fine', () => {
    const out = tmpDir();
    writeTree(out, OUTPUT);
    expect(manifestFiles(out)).toEqual(Object.keys(OUTPUT).sort());
  });

  test('--into-existing adds the output beside foreign files and deletes none; later runs need no flag', () => {
    const out = tmpDir();
    write(out, 'notes.txt', 'mine');
    write(out, 'files/theirs.yml', 'x');
    writeTree(out, OUTPUT, { intoExisting: true });
    writeTree(out, { ...OUTPUT, 'files/b.yml': 'b: 2\n' });
    expect(readTree(out)).toEqual({ ...OUTPUT, 'files/b.yml': 'b: 2\n', 'notes.txt': 'mine', 'files/theirs.yml': 'x', [MANIFEST]: expect.any(String) });
    expect(manifestFiles(out)).toEqual(Object.keys(OUTPUT).sort());
  });

  test('even with --into-existing, a file synth did not write is never overwritten', () => {
    const out = tmpDir();
    write(out, 'files/b.yml', 'theirs');
    expect(refusal(() => writeTree(out, OUTPUT, { intoExisting: true }))).toMatch(/synth would overwrite files\/b\.yml, which it did not write/);
    expect(readTree(out)).toEqual({ 'files/b.yml': 'theirs' });
    // Nor after a first run: a file the user put where a new output file goes is theirs.
    const owned = tmpDir();
    writeTree(owned, { 'files/a/one.yml': 'one' });
    write(owned, 'files/b.yml', 'theirs');
    expect(refusal(() => writeTree(owned, OUTPUT))).toMatch(/synth would overwrite files\/b\.yml/);
  });

  test('a manifest that is not ours, or lists paths outside the folder, is refused', () => {
    const out = tmpDir();
    write(out, MANIFEST, '{"files": ["notes.txt"]}');
    expect(refusal(() => writeTree(out, OUTPUT))).toMatch(/is not a manifest written by synth/);
    write(out, MANIFEST, JSON.stringify({ generator: 'monitoring-stack synth', files: ['../outside.txt'] }));
    expect(refusal(() => writeTree(out, OUTPUT))).toMatch(/"\.\.\/outside\.txt" is not a plain relative path inside the output folder/);
  });
});

describe('a failure while writing leaves the previous output intact and no temp dirs', () => {
  const failOn = (n: number) => {
    let calls = 0;
    return () => {
      if (++calls === n) throw new Error('disk full (injected)');
    };
  };

  const next = { ...OUTPUT, 'files/b.yml': 'changed', 'files/c.yml': 'new' };
  // Writes: each staged file, the manifest, the interim manifest. Renames: the interim manifest, then per top-level
  // entry (files, resources.json) the old one aside and the new one in.
  test.each([
    ['while staging a file', { writeFile: failOn(2) }],
    ['while staging the manifest', { writeFile: failOn(Object.keys(next).length + 1) }],
    ['while claiming the files in the manifest', { rename: failOn(1) }],
    ['while swapping in files/', { rename: failOn(3) }],
    ['while swapping in resources.json', { rename: failOn(5) }],
  ])('%s', (_when, hook) => {
    const out = path.join(tmpDir(), 'out');
    writeTree(out, OUTPUT);
    write(out, 'notes.txt', 'mine');
    const previous = readTree(out);
    const io = {
      writeFile: (f: string, c: string) => ((hook as any).writeFile?.(), fs.writeFileSync(f, c)),
      rename: (a: string, b: string) => ((hook as any).rename?.(), fs.renameSync(a, b)),
    };
    expect(() => writeTree(out, next, { io })).toThrow('disk full (injected)');
    expect(readTree(out)).toEqual(previous);
    expect(fs.readdirSync(out).filter((e) => STAGING.test(e))).toEqual([]);
  });

  test('a failure on the first write into a new folder leaves no folder', () => {
    const out = path.join(tmpDir(), 'out');
    const io = { writeFile: failOn(1) };
    expect(() => writeTree(out, OUTPUT, { io })).toThrow('disk full (injected)');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('synthToDirectory (property tests) writes the same owned output', () => {
    const out = path.join(tmpDir(), 'out');
    const { files } = synthToDirectory(devInput(), 'dev.yaml', out);
    expect(manifestFiles(out)).toEqual(Object.keys(files).sort());
  });
});

describe('npm run synth --out', () => {
  const config = (dir: string) => {
    const file = path.join(dir, 'stack.yaml');
    fs.writeFileSync(file, yaml.dump(devInput()));
    return file;
  };

  test("refuses a folder of the user's (exit 2), writes into it with --into-existing, keeps notes.txt", () => {
    const dir = tmpDir();
    const out = path.join(dir, 'ops');
    write(out, 'notes.txt', 'mine');
    const refused = runCli('synth', ['--config', config(dir), '--out', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${out}: $: holds files synth did not write (notes.txt)`);
    expect(refused.stderr).toContain('nothing was written');
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);

    const res = runCli('synth', ['--config', config(dir), '--out', out, '--into-existing']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([MANIFEST, 'files', 'notes.txt', 'resources.json']);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  test('--out . in a repository is refused and removes nothing', () => {
    const repo = tmpDir();
    write(repo, 'package.json', '{}');
    write(repo, 'src/index.ts', 'export {};');
    write(repo, '.git/HEAD', 'ref: refs/heads/main\n');
    const stack = config(repo);
    const before = readTree(repo);
    const res = runCli('synth', ['--config', stack, '--out', '.'], repo);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^\.: \$: holds files synth did not write \(\.git, package\.json, src, stack\.yaml\)/);
    expect(readTree(repo)).toEqual(before);
  });
});
