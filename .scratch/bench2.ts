import * as path from 'node:path'; import * as fs from 'node:fs'; import * as os from 'node:os';
import { loadStack } from '../src/load'; import { synthesize } from '../src/synth'; import { writeTree } from '../src/output';
import { CHECKS } from '../src/checks'; import { checkContext } from '../src/checks/context';
const { stack, source } = loadStack({ stack: 'dev' });
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'b-')), 'out'); writeTree(out, synthesize(stack));
let t = process.hrtime.bigint(); const ctx = checkContext(stack, source, path.join(out, 'files'));
console.log('context', Number(process.hrtime.bigint() - t) / 1e6);
for (const c of CHECKS.filter((c) => c.target !== 'config')) { t = process.hrtime.bigint(); c.run(ctx); console.log(c.id, Number(process.hrtime.bigint() - t) / 1e6); }
