import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../src-shared/result';
import { storageError } from './errors';
import { migrate } from './migrate';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Db = Database.Database;

const SQLITE_MAGIC = 'SQLite format 3\0';

function assertSqliteFile(path: string): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  if (size === 0) return;
  const header = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1') !== SQLITE_MAGIC) {
    throw new AppError('not_sqlite', `${path} is not a ConVIRT library: it is not an SQLite database file.`, { path });
  }
}

export interface OpenOptions {
  readonly?: boolean;
  /** For tests of the migration machinery; the app always uses the full list. */
  migrations?: readonly Migration[];
}

/** Opens (creating if needed) a library file: WAL, foreign keys, migrations applied. */
export function openLibrary(path: string, options: OpenOptions = {}): Db {
  assertSqliteFile(path);
  let db: Db;
  try {
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (cause) {
    throw storageError(cause, path) ?? new AppError('not_found', `Cannot open library ${path}: ${(cause as Error).message}`, { path });
  }
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('synchronous = NORMAL');
    // A header check passes for truncated or garbled files; reading the schema does not.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (!options.readonly) migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (cause) {
    db.close();
    if (cause instanceof AppError) throw cause;
    const storage = storageError(cause, path);
    if (storage) throw storage;
    const message = (cause as Error).message;
    if (/not a database|malformed|file is encrypted/i.test(message)) {
      throw new AppError('not_sqlite', `${path} is not a usable ConVIRT library: ${message}`, { path });
    }
    throw cause;
  }
}
