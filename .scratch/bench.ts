import * as path from 'node:path'; import * as fs from 'node:fs'; import * as os from 'node:os';
import { loadStack } from '../src/load'; import { synthesize } from '../src/synth'; import { writeTree } from '../src/output';
import { registryChecks } from '../src/checks/run';
const { stack, source } = loadStack({ stack: 'dev' });
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'b-')), 'out'); writeTree(out, synthesize(stack));
const t = process.hrtime.bigint(); registryChecks(stack, path.join(out, 'files'), source);
console.log('registry on dev:', Number(process.hrtime.bigint() - t) / 1e6, 'ms');
