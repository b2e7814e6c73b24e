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

/**
 * The seed layout (seed 000, "Struktura logów") writes one application's events to several files: every event to
 * `app_YYYYMMDD.log`, ERROR/CRITICAL events again to `error_YYYYMMDD.log`, one line per request to
 * `access_YYYYMMDD.log`. Counting all three counts an error twice and mixes requests with events, so each line
 * carries the file type as a label (`file="app"`, …), taken from its file name: a handful of values per job.
 * Lines from files named otherwise carry no `file` label. Any collector follows this definition.
 */
export const FILE_TYPE_LABEL = 'file';
/** RE2 (Go) pattern over the collector's full file path; the `file` group is the label value. */
export const FILE_TYPE_PATTERN = '(?:^|/)(?P<file>[a-z]+)_[0-9]{8}\\.log$';
/** Which file type to count for what: events (every level once) and requests. */
export const FILE_TYPES = { events: 'app', requests: 'access' } as const;
