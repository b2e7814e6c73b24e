/**
 * JSON logs in the seed format, one object per line:
 *   {"timestamp","level","logger","message","extra":{"request_id","user_id","path","method","status_code","duration_ms"}}
 * into <dir>/app_YYYYMMDD.log (everything), error_YYYYMMDD.log (ERROR and CRITICAL only) and
 * access_YYYYMMDD.log (one line per request). Dates are UTC; a new file starts at midnight UTC.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Level = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface RequestExtra {
  request_id: string;
  /** W3C/OpenTelemetry trace id of the request, for log → trace links. */
  trace_id?: string;
  user_id: number | null;
  path: string;
  method: string;
  status_code: number;
  duration_ms: number;
}

export interface LogRecord {
  timestamp: string;
  level: Level;
  logger: string;
  message: string;
  extra: Partial<RequestExtra> | Record<string, unknown>;
}

type Kind = 'app' | 'error' | 'access';

export class JsonLogs {
  private readonly streams = new Map<string, fs.WriteStream>();

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** An application event: app log, and the error log too when ERROR or CRITICAL. */
  log(level: Level, logger: string, message: string, extra: LogRecord['extra'] = {}, now = new Date()): void {
    const record: LogRecord = { timestamp: now.toISOString(), level, logger, message, extra };
    this.write('app', record, now);
    if (level === 'ERROR' || level === 'CRITICAL') this.write('error', record, now);
  }

  /** One line per request in the access log. */
  access(extra: RequestExtra, now = new Date()): void {
    const level: Level = extra.status_code >= 500 ? 'ERROR' : extra.status_code >= 400 ? 'WARNING' : 'INFO';
    this.write('access', { timestamp: now.toISOString(), level, logger: 'access', message: 'HTTP Request', extra }, now);
  }

  /** The file a record of `kind` goes to at `now`. */
  fileFor(kind: Kind, now = new Date()): string {
    const day = now.toISOString().slice(0, 10).replace(/-/g, '');
    return path.join(this.dir, `${kind}_${day}.log`);
  }

  private write(kind: Kind, record: LogRecord, now: Date): void {
    const file = this.fileFor(kind, now);
    let stream = this.streams.get(kind);
    if (!stream || stream.path !== file) {
      stream?.end();
      stream = fs.createWriteStream(file, { flags: 'a' });
      this.streams.set(kind, stream);
    }
    stream.write(`${JSON.stringify(record)}\n`);
  }

  /** Flushes and closes every file. */
  async close(): Promise<void> {
    const streams = [...this.streams.values()];
    this.streams.clear();
    await Promise.all(streams.map((s) => new Promise<void>((resolve) => s.end(resolve))));
  }
}
