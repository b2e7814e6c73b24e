/**
 * The log sources of the seed application (a FastAPI chat backend, its frontend, Redis, PostgreSQL and Ollama):
 * one Loki `job` each, as queried in the seed documents (`{job="backend_logs"}` …). Stacks list them in
 * `logs.sources`, adjusting the host paths to where the files are on their machine.
 */
import type { StackInput } from '../src/schema';

type LogSourceInput = NonNullable<NonNullable<StackInput['logs']>['sources']>[number];

export const SEED_LOG_JOBS = ['backend_logs', 'frontend_logs', 'redis_logs', 'postgres_logs', 'ollama_logs'] as const;

/** The seed sources with conventional host paths. The backend and frontend write the seed JSON format. */
export const SEED_LOG_SOURCES: LogSourceInput[] = [
  { job: 'backend_logs', hostPath: '/var/log/chat/backend', include: '*.log', format: 'json' },
  { job: 'frontend_logs', hostPath: '/var/log/chat/frontend', include: '*.log', format: 'json' },
  { job: 'redis_logs', hostPath: '/var/log/redis', include: '*.log', format: 'plain' },
  { job: 'postgres_logs', hostPath: '/var/log/postgresql', include: '*.log', format: 'plain' },
  { job: 'ollama_logs', hostPath: '/var/log/ollama', include: '*.log', format: 'plain' },
];
