/**
 * Property-based tests (fast-check). Valid configs drawn from the schema always synthesize into files promtool and
 * amtool accept, with passing rule tests; mutated configs are always rejected with a JSON path, never crash and
 * never write output. Case counts: PROPERTY_VALID (default 200) and PROPERTY_INVALID (default 1000);
 * `npm run test:fuzz` runs more.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import fc from 'fast-check';
import { ConfigError } from '../src/errors';
import { synthToDirectory } from '../src/synth';
import { amtoolCompatibleText } from '../src/check';
import { validStack, mutation } from './arbitraries';
import { tmpDir } from './helpers';

const VALID_RUNS = Number(process.env.PROPERTY_VALID ?? 200);
const INVALID_RUNS = Number(process.env.PROPERTY_INVALID ?? 1000);
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;

function tool(name: string, args: string[], cwd?: string) {
  const res = spawnSync(name, args, { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw new Error(`${name} could not run (${res.error.message}); install the Debian packages prometheus and prometheus-alertmanager`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/** Runs `name args… files…` over the files split across the machine's cores. */
async function toolOverFiles(name: string, args: string[], files: string[]) {
  const chunks = Math.max(1, Math.min(os.availableParallelism(), 4));
  const parts = Array.from({ length: chunks }, (_, i) => files.filter((_f, j) => j % chunks === i)).filter((p) => p.length);
  const runs = parts.map(
    (part) =>
      new Promise<{ status: number | null; output: string }>((resolve, reject) => {
        const child = spawn(name, [...args, ...part]);
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('error', (err) => reject(new Error(`${name} could not run (${err.message}); install the Debian packages prometheus and prometheus-alertmanager`)));
        child.on('close', (status) => resolve({ status, output }));
      }),
  );
  const results = await Promise.all(runs);
  return { status: results.every((r) => r.status === 0) ? 0 : 1, output: results.map((r) => r.output).join('\n') };
}

const failures = (output: string) =>
  output.split(/\n(?=Checking |Unit Testing: )/).filter((block) => /FAILED|error/i.test(block)).join('\n').slice(0, 4000);

describe('valid configs', () => {
  const root = tmpDir('ms-prop-valid-');
  const dirs: string[] = [];

  beforeAll(() => {
    let n = 0;
    fc.assert(
      fc.property(validStack, (input) => {
        const out = path.join(root, String(n++));
        synthToDirectory(input, `case-${n}`, out); // throws on any validation problem
        dirs.push(path.join(out, 'files'));
      }),
      { numRuns: VALID_RUNS, seed: SEED },
    );
  });

  test(`${VALID_RUNS} random valid configs synthesize`, () => {
    expect(dirs).toHaveLength(VALID_RUNS);
  });

  // The tools run once over every case's files, so hundreds of configs take seconds.
  test('promtool check config accepts every prometheus.yml', () => {
    const res = tool('promtool', ['check', 'config', ...dirs.map((d) => path.join(d, 'prometheus', 'prometheus.yml'))]);
    expect(failures(res.output)).toBe('');
    expect(res.status).toBe(0);
  });

  test('promtool test rules passes every generated rule test', async () => {
    const tests = dirs.flatMap((d) => {
      const dir = path.join(d, 'prometheus', 'tests');
      return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
    });
    expect(tests.length).toBeGreaterThan(VALID_RUNS / 2);
    const res = await toolOverFiles('promtool', ['test', 'rules'], tests);
    expect(failures(res.output)).toBe('');
    expect(res.status).toBe(0);
  }, Math.max(60_000, VALID_RUNS * 1_000)); // about 0.3 s of promtool per case on 2 cores

  test('amtool check-config accepts every alertmanager.yml', () => {
    const version = /version (\d+)\.(\d+)/.exec(tool('amtool', ['--version']).output);
    const files = dirs.map((d) => {
      const file = path.join(d, 'alertmanager', 'alertmanager.yml');
      fs.writeFileSync(file, amtoolCompatibleText(fs.readFileSync(file, 'utf8'), version ? [Number(version[1]), Number(version[2])] : undefined));
      return file;
    });
    const res = tool('amtool', ['check-config', ...files]);
    expect(failures(res.output)).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('invalid configs', () => {
  test(`${INVALID_RUNS} mutated configs are rejected with a JSON path and write nothing`, () => {
    const root = tmpDir('ms-prop-invalid-');
    fc.assert(
      fc.property(validStack, mutation, (input, m) => {
        const config = JSON.parse(JSON.stringify(input));
        m.apply(config);
        const out = path.join(root, 'out');
        fs.rmSync(out, { recursive: true, force: true });
        let error: unknown;
        try {
          synthToDirectory(config, 'mutated.yaml', out);
        } catch (err) {
          error = err;
        }
        if (!(error instanceof ConfigError)) {
          throw new Error(`not rejected as bad input (${m.describe}): ${error instanceof Error ? error.stack : 'accepted'}`);
        }
        expect(error.problems.length).toBeGreaterThan(0);
        for (const p of error.problems) {
          expect(p.source).toBe('mutated.yaml');
          expect(p.path).toMatch(/^\$/);
          expect(p.message.length).toBeGreaterThan(5);
        }
        expect(fs.readdirSync(root)).toEqual([]);
      }),
      { numRuns: INVALID_RUNS, seed: SEED },
    );
  });
});
