/**
 * Structured logging that cannot carry patient data: callers pass an event name
 * and a small set of scalar fields; free text from files, reports or DICOM tags
 * is never logged. JSON lines to stderr (unless quiet) and to a log file that
 * rotates at `maxBytes`, keeping `keep` old files (log.1 newest).
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

type Scalar = string | number | boolean | null;
export type LogFields = Record<string, Scalar>;

interface LogConfig {
  file: string | null;
  quiet: boolean;
  maxBytes: number;
  keep: number;
}

const config: LogConfig = { file: null, quiet: false, maxBytes: 5 * 1024 * 1024, keep: 3 };
let fileBytes = 0;

export function configureLog(options: Partial<LogConfig>): void {
  Object.assign(config, options);
  if (options.file) {
    try {
      mkdirSync(dirname(options.file), { recursive: true });
      fileBytes = existsSync(options.file) ? statSync(options.file).size : 0;
    } catch {
      config.file = null; // a read-only or missing folder: log to stderr only
    }
  }
}

function rotate(file: string): void {
  rmSync(`${file}.${config.keep}`, { force: true });
  for (let i = config.keep - 1; i >= 1; i--) {
    if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  }
  renameSync(file, `${file}.1`);
  fileBytes = 0;
}

function write(level: 'info' | 'warn' | 'error', event: string, fields: LogFields): void {
  const line = `${JSON.stringify({ t: new Date().toISOString(), level, event, ...fields })}\n`;
  if (!config.quiet) process.stderr.write(line);
  if (!config.file) return;
  try {
    if (fileBytes + line.length > config.maxBytes && fileBytes > 0) rotate(config.file);
    appendFileSync(config.file, line);
    fileBytes += Buffer.byteLength(line);
  } catch {
    // Logging must never take the app down (full disk, read-only folder).
  }
}

export const log = {
  info: (event: string, fields: LogFields = {}) => write('info', event, fields),
  warn: (event: string, fields: LogFields = {}) => write('warn', event, fields),
  error: (event: string, fields: LogFields = {}) => write('error', event, fields),
};
