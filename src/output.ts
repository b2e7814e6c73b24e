/** Writing synth output atomically: everything lands in a sibling temp dir first, then one rename. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `files` (relative path → content) under `outDir`, replacing its previous content as a whole. */
export function writeTree(outDir: string, files: Record<string, string>): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(staging, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    if (fs.existsSync(target)) {
      const old = `${staging}.old`;
      fs.renameSync(target, old);
      fs.renameSync(staging, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(staging, target);
    }
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
