#!/usr/bin/env node
/**
 * Starts a TypeScript CLI: `node scripts/run.cjs src/cli/synth.ts [args...]` (what the npm scripts run).
 * Faster than the `tsx` command for the same code: tsx's CLI starts a second node process and an ESM loader thread;
 * here one process registers tsx's CommonJS hook only, for the project's own files (it compiles to CommonJS), and
 * node's compile cache
 * keeps V8 bytecode of every loaded module (Pulumi alone loads ~1,100 files) between runs, keyed by file content.
 */
'use strict';
const path = require('node:path');
const nodeModule = require('node:module');

// Node ≥ 22.1; the cache lives in the OS temp dir (node's default), stale entries are ignored by content hash.
if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
// Dependencies are plain CommonJS: node loads them itself. tsx would read each of them again and scan it for ESM
// syntax, about a second for Pulumi's files on a 2-core machine.
const loadJs = nodeModule._extensions['.js'];
require('tsx/cjs/api').register();
require('./lazy-deps.cjs');
const tsxJs = nodeModule._extensions['.js'];
// tsx turns source maps on; node then indexes every loaded file that names a map (Pulumi's ~1,100 do). The CLIs print
// messages, not stack traces; NODE_OPTIONS=--enable-source-maps brings mapped traces back for debugging.
if (!process.execArgv.includes('--enable-source-maps') && !/--enable-source-maps/.test(process.env.NODE_OPTIONS ?? '')) {
  process.setSourceMapsEnabled(false);
}
const DEPENDENCY = `${path.sep}node_modules${path.sep}`;
nodeModule._extensions['.js'] = (module, filename) => (filename.includes(DEPENDENCY) ? loadJs : tsxJs)(module, filename);

const [entry] = process.argv.splice(2, 1);
if (!entry) {
  process.stderr.write('usage: node scripts/run.cjs <file.ts> [args...]\n');
  process.exit(2);
}
// Loaded as the main module, as `node file` or tsx would: CLIs that guard on `require.main === module` run.
nodeModule._load(path.resolve(entry), null, true);
