import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { ImportStore } from '../../src-main/ingest/import-store';
import { tempDir } from '../helpers/temp';
import { writeRelabelledCopies } from './relabel';
import { filesUnder, NO_SHARED_DICOM, SHARED_DICOM } from './shared-data';

/** Starts an import in a child process and kills it with SIGKILL once `after` files are done. */
function importAndKill(library: string, data: string, after: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'import-child.ts'), library, data], { stdio: ['ignore', 'pipe', 'inherit'] });
    let done = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const m of chunk.matchAll(/done (\d+)/g)) done = Number(m[1]);
      if (done >= after && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(done) : reject(new Error(`the import finished before it was killed (${done} files)`))));
  });
}

function studyShape(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT s.study_uid AS uid, count(i.id) AS n FROM studies s LEFT JOIN series se ON se.study_id = s.id LEFT JOIN instances i ON i.series_id = se.id GROUP BY s.id').all() as { uid: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.uid, r.n]));
}

test('kill -9 mid-import, then import again: integrity ok, no partial study, same counts as an uninterrupted import', { skip: NO_SHARED_DICOM, timeout: 180_000 }, async () => {
  const dir = tempDir();
  const data = join(dir, 'studies');
  const sources = filesUnder(join(SHARED_DICOM, 'syntaxes'));
  const files = writeRelabelledCopies(sources, data, 12);

  const reference = openLibrary(join(dir, 'reference.sqlite'));
  await importDicom(reference, [data], { decode: false });
  const expected = studyShape(reference);
  const expectedCounts = new ImportStore(reference).counts();
  reference.close();

  const library = join(dir, 'killed.sqlite');
  const killedAfter = await importAndKill(library, data, Math.floor(files.length / 3));
  assert.ok(killedAfter < files.length, `killed after ${killedAfter} of ${files.length}`);

  const afterKill = openLibrary(library);
  assert.equal(afterKill.pragma('integrity_check', { simple: true }), 'ok');
  const partial = studyShape(afterKill);
  assert.ok(Object.keys(partial).length > 0 && Object.keys(partial).length < Object.keys(expected).length, 'the kill landed mid-import');
  for (const [uid, n] of Object.entries(partial)) assert.equal(n, expected[uid], `study ${uid} is whole`);

  const resumed = await importDicom(afterKill, [data], { decode: false });
  assert.ok(resumed.filesSkipped > 0, 'files stored before the kill are not read again');
  assert.deepEqual(studyShape(afterKill), expected);
  assert.deepEqual(new ImportStore(afterKill).counts(), expectedCounts);
  assert.equal(afterKill.pragma('integrity_check', { simple: true }), 'ok');
  afterKill.close();
});
