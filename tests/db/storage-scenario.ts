/**
 * Runs one storage failure inside a private mount namespace set up by
 * storage-errors.test.ts, and prints what happened as JSON on stdout.
 *   full DIR      DIR is a tiny tmpfs: write until the disk is full
 *   readonly DIR  DIR is a read-only bind mount holding library.sqlite
 */
import { join } from 'node:path';
import { openLibrary } from '../../src-main/db/connection';
import { storageError } from '../../src-main/db/errors';
import { AppError } from '../../src-shared/result';

const [scenario, dir] = process.argv.slice(2) as [string, string];
const path = join(dir, 'library.sqlite');
const count = (db: ReturnType<typeof openLibrary>) => (db.prepare('SELECT count(*) AS n FROM studies').get() as { n: number }).n;
const codeOf = (e: unknown) => (e instanceof AppError ? e.code : (storageError(e, path)?.code ?? `raw:${(e as Error).message}`));

function insertStudies(db: ReturnType<typeof openLibrary>, from: number, n: number): void {
  const patient = db.prepare("INSERT INTO patients (patient_key) VALUES (?) ON CONFLICT DO UPDATE SET patient_key = excluded.patient_key RETURNING id").get('P') as { id: number };
  const insert = db.prepare('INSERT INTO studies (patient_id, study_uid, description) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = from; i < from + n; i++) insert.run(patient.id, `1.2.${i}`, 'x'.repeat(20_000));
  })();
}

const out: Record<string, unknown> = { scenario };
if (scenario === 'full') {
  const db = openLibrary(path);
  let committed = 0;
  try {
    for (;;) {
      insertStudies(db, committed, 5);
      committed += 5;
    }
  } catch (e) {
    out.error = codeOf(e);
    out.message = storageError(e, path)?.message ?? String(e);
  }
  out.committed = committed;
  out.countAfterFailure = count(db);
  out.integrity = db.pragma('integrity_check', { simple: true });
  db.close();
} else {
  try {
    const db = openLibrary(path);
    out.opened = true;
    out.countBefore = count(db);
    try {
      insertStudies(db, 1000, 1);
      out.wrote = true;
    } catch (e) {
      out.error = codeOf(e);
    }
    db.close();
  } catch (e) {
    out.opened = false;
    out.error = codeOf(e);
    out.message = (e as Error).message;
  }
}
process.stdout.write(JSON.stringify(out));
