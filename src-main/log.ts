/**
 * Structured logging that cannot carry patient data: callers pass an event name
 * and a small set of scalar fields; free text from files, reports or DICOM tags
 * is never logged. Written as JSON lines to stderr (and the log file when set).
 */
import { appendFileSync } from 'node:fs';

type Scalar = string | number | boolean | null;
export type LogFields = Record<string, Scalar>;

let logFile: string | null = null;
let quiet = false;

export function configureLog(options: { file?: string | null; quiet?: boolean }): void {
  if (options.file !== undefined) logFile = options.file;
  if (options.quiet !== undefined) quiet = options.quiet;
}

function write(level: 'info' | 'warn' | 'error', event: string, fields: LogFields): void {
  const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...fields });
  if (!quiet) process.stderr.write(`${line}\n`);
  if (logFile) {
    try {
      appendFileSync(logFile, `${line}\n`);
    } catch {
      // Logging must never take the app down (full disk, read-only folder).
    }
  }
}

export const log = {
  info: (event: string, fields: LogFields = {}) => write('info', event, fields),
  warn: (event: string, fields: LogFields = {}) => write('warn', event, fields),
  error: (event: string, fields: LogFields = {}) => write('error', event, fields),
};
