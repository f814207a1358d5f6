/**
 * Storage failures a user can act on, turned into clear AppErrors. SQLite
 * rolls back the statement or transaction that hit them, so nothing already
 * stored is lost or half-written.
 */
import { AppError } from '../../src-shared/result';

function sqliteCode(cause: unknown): string | null {
  const code = (cause as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

export function storageError(cause: unknown, path: string): AppError | null {
  const code = sqliteCode(cause) ?? '';
  if (code.startsWith('SQLITE_FULL') || /ENOSPC/.test(String((cause as Error)?.message))) {
    return new AppError('disk_full', `The disk holding ${path} is full; the last change was rolled back and nothing stored was lost. Free some space and try again.`, { path });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_IOERR_WRITE' || /EROFS|EACCES/.test(String((cause as Error)?.message))) {
    return new AppError('read_only', `Cannot write to ${path}: the file or its folder is read-only. Copy the library to a writable folder or fix its permissions.`, { path });
  }
  return null;
}
