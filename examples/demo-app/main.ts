/**
 * npm run demo -- [--port 8000] [--host 127.0.0.1] [--log-dir ./logs] [--rps 5]
 *                 [--redis-exporter-port 9121] [--postgres-exporter-port 9187]
 *                 [--stack-config stack.yaml [--job <job>]]   export the names that stack maps for the job
 * Each flag can also come from the environment: DEMO_PORT, DEMO_HOST, DEMO_LOG_DIR, DEMO_RPS,
 * DEMO_REDIS_EXPORTER_PORT, DEMO_POSTGRES_EXPORTER_PORT. Stops cleanly on SIGINT/SIGTERM.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createDemoApp, MAX_RPS } from './app';
import { loadMappings } from './stack-config';

const USAGE =
  'npm run demo -- [--port 8000] [--host 127.0.0.1] [--log-dir ./logs] [--rps 5] [--redis-exporter-port N] [--postgres-exporter-port N] [--stack-config <file> [--job <job>]]';

function intFlag(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    process.stderr.write(`--${name}: expected a whole number from 0 to ${max}, got ${JSON.stringify(value)}\nusage: ${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'log-dir': { type: 'string' },
        rps: { type: 'string' },
        'redis-exporter-port': { type: 'string' },
        'postgres-exporter-port': { type: 'string' },
        'stack-config': { type: 'string' },
        job: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return;
  }
  const env = process.env;
  const str = (flag: string, envName: string) => (values[flag] as string | undefined) ?? env[envName];
  const stackConfig = str('stack-config', 'DEMO_STACK_CONFIG');
  let mappings;
  try {
    mappings = stackConfig ? loadMappings(stackConfig, str('job', 'DEMO_JOB')) : undefined;
  } catch (err) {
    process.stderr.write(`--stack-config ${stackConfig}:\n${(err as Error).message}\n`);
    process.exit(2);
  }
  const app = await createDemoApp({
    mappings,
    port: intFlag('port', str('port', 'DEMO_PORT'), 8000, 65535),
    host: str('host', 'DEMO_HOST') ?? '127.0.0.1',
    logDir: path.resolve(str('log-dir', 'DEMO_LOG_DIR') ?? 'logs'),
    rps: intFlag('rps', str('rps', 'DEMO_RPS'), 5, MAX_RPS),
    exporterPorts: {
      redis: intFlag('redis-exporter-port', str('redis-exporter-port', 'DEMO_REDIS_EXPORTER_PORT'), 0, 65535),
      postgres: intFlag('postgres-exporter-port', str('postgres-exporter-port', 'DEMO_POSTGRES_EXPORTER_PORT'), 0, 65535),
    },
  });
  process.stdout.write(`demo app on ${app.url} (metrics: ${app.url}/metrics, faults: ${app.url}/faults)\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void app.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
});
