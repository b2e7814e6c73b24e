/**
 * Synth output that owns only what it writes. In `<dir>` synth writes its files (`files/`, `resources.json`) and a
 * manifest, `.monitoring-stack-synth.json`, listing every file it wrote; anything else in `<dir>` is never touched.
 *
 * A run stages the complete new output in a temp dir inside `<dir>` (same file system, so renames are atomic), then
 * swaps each top-level entry in by rename; the previous output stays in place until the new one is complete, and a
 * failure at any step puts it back. Files the previous manifest lists and the new output lacks (a rule file whose
 * group went) disappear with the swap; files inside `files/` that synth did not write are carried over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './errors';

/** The ownership marker: which files in the folder synth wrote. */
export const MANIFEST = '.monitoring-stack-synth.json';
const STAGING_PREFIX = '.monitoring-stack-synth.tmp-';
const GENERATOR = 'monitoring-stack synth';

/** The file operations a write uses; tests replace them to inject failures. */
export interface OutputIo {
  writeFile(file: string, content: string): void;
  rename(from: string, to: string): void;
}
const NODE_IO: OutputIo = { writeFile: (f, c) => fs.writeFileSync(f, c), rename: (a, b) => fs.renameSync(a, b) };

export interface WriteOptions {
  /** Write into a folder that holds other things and no earlier synth output (`--into-existing`). */
  intoExisting?: boolean;
  io?: Partial<OutputIo>;
}

/** Writes `files` (relative path → content) into `outDir`, replacing only the previous synth output there. */
export function writeTree(outDir: string, files: Record<string, string>, options: WriteOptions = {}): void {
  const io = { ...NODE_IO, ...options.io };
  const target = path.resolve(outDir);
  const next = Object.keys(files).sort();
  next.forEach((rel) => checkRelPath(rel, 'synth output'));
  const existed = fs.existsSync(target);
  const previous = existed ? readManifest(outDir, target) : undefined;
  if (existed) checkOwnership(outDir, target, next, previous, options.intoExisting ?? false);
  fs.mkdirSync(target, { recursive: true });
  const staging = fs.mkdtempSync(path.join(target, STAGING_PREFIX));
  try {
    stage(staging, target, files, new Set(previous), io);
    commit(staging, target, next, previous ?? [], io);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!existed && fs.readdirSync(target).length === 0) fs.rmdirSync(target);
  }
}

/** A path synth writes or a manifest lists: relative, normalized, inside the folder, not synth's own bookkeeping. */
function checkRelPath(rel: string, where: string): void {
  const top = rel.split('/')[0];
  const ok =
    rel !== '' && !path.isAbsolute(rel) && !rel.includes('\\') && path.posix.normalize(rel) === rel &&
    !rel.split('/').some((s) => s === '..' || s === '.') && top !== MANIFEST && !top.startsWith(STAGING_PREFIX);
  if (!ok) throw new Error(`${where}: ${JSON.stringify(rel)} is not a plain relative path inside the output folder`);
}

const refuse = (outDir: string, message: string) => new ConfigError([{ source: outDir, path: '$', message }]);

/** The files an earlier run wrote, or undefined when the folder has no manifest. */
function readManifest(outDir: string, target: string): string[] | undefined {
  const file = path.join(target, MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  let listed: unknown;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    listed = parsed?.generator === GENERATOR ? parsed.files : undefined;
  } catch {
    listed = undefined;
  }
  const valid = Array.isArray(listed) && listed.every((f) => typeof f === 'string');
  if (!valid) throw refuse(outDir, `${MANIFEST} is not a manifest written by synth; expected an output folder of synth, or a new or empty one`);
  try {
    (listed as string[]).forEach((rel) => checkRelPath(rel, MANIFEST));
  } catch (err) {
    throw refuse(outDir, (err as Error).message);
  }
  return listed as string[];
}

/**
 * Refuses a folder that holds other things and no earlier synth output (unless `intoExisting`), and any run that
 * would overwrite a file synth did not write.
 */
function checkOwnership(outDir: string, target: string, next: string[], previous: string[] | undefined, intoExisting: boolean): void {
  if (!fs.statSync(target).isDirectory()) throw refuse(outDir, 'is not a folder; expected a folder for synth output');
  const others = fs.readdirSync(target).filter((e) => !e.startsWith(STAGING_PREFIX)).sort();
  if (previous === undefined && others.length > 0 && !intoExisting) {
    const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? ', …' : '');
    throw refuse(
      outDir,
      `holds files synth did not write (${shown}) and no earlier synth output (${MANIFEST}); expected a new or empty ` +
        `folder, or pass --into-existing to add ${topLevel(next).join(' and ')} beside them (nothing else is touched)`,
    );
  }
  const owned = new Set(previous);
  const clashes = next.flatMap((rel) => foreignInTheWay(target, rel, owned));
  if (clashes.length > 0) {
    throw refuse(outDir, `synth would overwrite ${[...new Set(clashes)].join(', ')}, which it did not write; expected them moved away, or another folder`);
  }
}

/** Top-level entries of a list of relative paths: `files/a/b` → `files`. */
const topLevel = (rels: string[]) => [...new Set(rels.map((rel) => rel.split('/')[0]))].sort();

/** The existing entry, if any, that writing `rel` would replace although synth did not write it. */
function foreignInTheWay(target: string, rel: string, owned: Set<string>): string[] {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join('/');
    const stat = fs.lstatSync(path.join(target, sub), { throwIfNoEntry: false });
    if (!stat) return [];
    const isLeaf = i === parts.length;
    if (!isLeaf && stat.isDirectory()) continue;
    return owned.has(sub) && !stat.isDirectory() ? [] : [sub];
  }
  return [];
}

/** Builds the complete new output under `<staging>/new`, with the manifest at `<staging>/manifest`. */
function stage(staging: string, target: string, files: Record<string, string>, owned: Set<string>, io: OutputIo): void {
  const fresh = path.join(staging, 'new');
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(fresh, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    io.writeFile(file, content);
  }
  for (const top of topLevel(Object.keys(files))) {
    const old = path.join(target, top);
    if (fs.lstatSync(old, { throwIfNoEntry: false })?.isDirectory()) carryOver(old, path.join(fresh, top), top, owned);
  }
  io.writeFile(path.join(staging, 'manifest'), manifestText(Object.keys(files)));
}

/** Copies what synth did not write from the old `from` tree into the new one (owned files are left behind). */
function carryOver(from: string, to: string, rel: string, owned: Set<string>): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    const sub = `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      carryOver(src, dst, sub, owned);
      if (fs.readdirSync(src).length === 0) fs.mkdirSync(dst, { recursive: true });
    } else if (!owned.has(sub)) {
      fs.mkdirSync(to, { recursive: true });
      fs.cpSync(src, dst, { preserveTimestamps: true, verbatimSymlinks: true, errorOnExist: true, force: false });
    }
  }
}

const manifestText = (rels: string[]) =>
  JSON.stringify(
    {
      generator: GENERATOR,
      note: 'synth owns the files listed here: it replaces or removes them on every run and leaves everything else in this folder alone',
      files: [...rels].sort(),
    },
    null,
    2,
  ) + '\n';

/**
 * Swaps the staged output in. The manifest first claims old and new files together, so an interrupted run still
 * knows everything it may have written; any failure undoes the swaps done so far.
 */
function commit(staging: string, target: string, next: string[], previous: string[], io: OutputIo): void {
  const manifest = path.join(target, MANIFEST);
  const union = path.join(staging, 'manifest.union');
  const undo: Array<() => void> = [];
  try {
    const saved = path.join(staging, 'manifest.old');
    io.writeFile(union, manifestText([...new Set([...previous, ...next])]));
    const hadManifest = fs.existsSync(manifest);
    if (hadManifest) fs.copyFileSync(manifest, saved);
    io.rename(union, manifest);
    undo.push(() => (hadManifest ? fs.renameSync(saved, manifest) : fs.rmSync(manifest)));
    fs.mkdirSync(path.join(staging, 'old'));
    for (const top of topLevel(next)) swapIn(staging, target, top, io, undo);
  } catch (err) {
    undo.reverse().forEach((step) => step());
    throw err;
  }
  removeStale(target, previous.filter((rel) => !next.includes(rel) && !topLevel(next).includes(rel.split('/')[0])));
  io.rename(path.join(staging, 'manifest'), manifest);
}

/** Moves `<target>/<top>` aside into the staging dir and the staged one into place, recording how to undo both. */
function swapIn(staging: string, target: string, top: string, io: OutputIo, undo: Array<() => void>): void {
  const live = path.join(target, top);
  const aside = path.join(staging, 'old', top);
  const fresh = path.join(staging, 'new', top);
  if (fs.lstatSync(live, { throwIfNoEntry: false })) {
    io.rename(live, aside);
    undo.push(() => fs.renameSync(aside, live));
  }
  io.rename(fresh, live);
  undo.push(() => fs.renameSync(live, fresh));
}

/** Removes files of the previous output outside the swapped entries, and the folders they leave empty. */
function removeStale(target: string, stale: string[]): void {
  for (const rel of stale) {
    fs.rmSync(path.join(target, rel), { force: true });
    for (let dir = path.dirname(rel); dir !== '.'; dir = path.dirname(dir)) {
      const abs = path.join(target, dir);
      if (!fs.existsSync(abs) || fs.readdirSync(abs).length > 0) break;
      fs.rmdirSync(abs);
    }
  }
}
