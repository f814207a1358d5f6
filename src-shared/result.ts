/**
 * Results cross every process and network boundary as values, never as thrown
 * exceptions: `{ ok: true, value } | { ok: false, error }`.
 */
import { z } from 'zod';

/** Stable machine-readable error codes; the message is for people. */
export const ErrorCode = z.enum([
  'bad_request',
  'unknown_channel',
  'unauthorized',
  'not_found',
  'not_sqlite',
  'newer_schema',
  'migration_failed',
  'read_only',
  'disk_full',
  'not_implemented',
  'cancelled',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Extra machine-readable detail (e.g. schema issues). Never patient data. */
  details: z.unknown().optional(),
});
export type AppErrorShape = z.infer<typeof AppErrorShape>;

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; error: AppErrorShape };
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string, details?: unknown): Err => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Thrown inside a process only; the dispatcher turns it into an `Err` value. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.union([
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppErrorShape }),
  ]);
}
