import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/result';
import type { Migration } from './migrations/types';

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies pending migrations, each in its own transaction together with its
 * version bump, so a failure leaves the library exactly at the last good version.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order at ${m.name}`);
  });
  const latest = migrations.length;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new AppError(
      'newer_schema',
      `This library was written by a newer version of the workstation (schema ${from}; this build knows up to ${latest}). Update the workstation to open it.`,
      { schema: from, supported: latest },
    );
  }
  for (const m of migrations.slice(from)) {
    const apply = db.transaction(() => {
      db.exec(m.up);
      if (m.foreignKeysOff) {
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new Error(`${broken.length} rows would break a foreign key`);
      }
      db.pragma(`user_version = ${m.version}`);
    });
    const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      apply();
    } catch (cause) {
      throw new AppError(
        'migration_failed',
        `Migration ${m.version} (${m.name}) failed and was rolled back; the library is unchanged at schema ${schemaVersion(db)}: ${(cause as Error).message}`,
        { version: m.version },
      );
    } finally {
      if (m.foreignKeysOff && enforced) db.pragma('foreign_keys = ON');
    }
  }
  return { from, to: schemaVersion(db) };
}
