/**
 * A full disk and a read-only library through a real door: the built
 * `convirt import` CLI on a tiny tmpfs and on a read-only bind mount, in a
 * private mount namespace (as tests/db/storage-errors.test.ts, which checks
 * the same failures at the SQLite layer). The CLI exits 1 with the
 * disk_full / read_only error and its message; the library passes
 * integrity_check with whole studies only; once space is freed the same
 * import finishes with the counts of an import that never hit the limit; a
 * read-only library is left byte for byte as it was.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { writeRelabelledCopies } from '../ingest/relabel';
import { filesUnder, NO_SHARED_DICOM, SHARED_DICOM } from '../ingest/shared-data';

const ROOT = join(__dirname, '..', '..');
/** Prints integrity_check and the instance count of every study of a library, as JSON. */
const INSPECT = `const D=require('better-sqlite3');const d=new D(process.argv[1],{readonly:true});console.log(JSON.stringify({integrity:d.pragma('integrity_check',{simple:true}),studies:Object.fromEntries(d.prepare('SELECT s.study_uid AS uid, count(i.id) AS n FROM studies s LEFT JOIN series se ON se.study_id = s.id LEFT JOIN instances i ON i.series_id = se.id GROUP BY s.id').all().map(r=>[r.uid,r.n]))}))`;

interface LibraryState {
  integrity: string;
  studies: Record<string, number>;
}

/** Runs `script` in a private mount namespace (root and util-linux unshare needed, as for the SQLite-layer test). */
function inNamespace(script: string): void {
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `namespace script failed (needs root and util-linux unshare): ${r.stderr}`);
}

const cli = (args: string) => `"${process.execPath}" "${CLI}" ${args}`;
const inspect = (library: string) => `"${process.execPath}" -e "${INSPECT}" "${library}"`;
const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

test('convirt import on a full disk: exit 1 with disk_full, whole studies only, and the same import completes once space is freed', { skip: NO_SHARED_DICOM, timeout: 600_000 }, () => {
  const dir = tempDir();
  const data = join(dir, 'studies');
  writeRelabelledCopies(filesUnder(join(SHARED_DICOM, 'generated')), data, 4);
  const reference = runCli(['import', data, '--library', join(dir, 'reference', 'library.sqlite'), '--json'], {}, 300_000);
  assert.equal(reference.status, 0, reference.stderr);
  const expected = JSON.parse(spawnSync(process.execPath, ['-e', INSPECT, join(dir, 'reference', 'library.sqlite')], { cwd: ROOT, encoding: 'utf8' }).stdout) as LibraryState;
  const out = join(dir, 'out');
  mkdirSync(out);
  assert.equal(Object.keys(expected.studies).length, 4);

  const disk = join(dir, 'disk');
  mkdirSync(disk);
  const library = join(disk, 'library.sqlite');
  inNamespace(
    [
      `mount -t tmpfs -o size=400k tmpfs "${disk}"`,
      `${cli(`import "${data}" --library "${library}" --json`)} > "${out}/full.json" 2> "${out}/full.err"; echo $? > "${out}/full.rc"`,
      `${inspect(library)} > "${out}/after-full.json"`,
      `mount -o remount,size=64m "${disk}"`,
      `${cli(`import "${data}" --library "${library}" --json`)} > "${out}/resumed.json"; echo $? > "${out}/resumed.rc"`,
      `${inspect(library)} > "${out}/after-resume.json"`,
    ].join(' && '),
  );

  assert.equal(readFileSync(join(out, 'full.rc'), 'utf8').trim(), '1');
  const failure = json<{ ok: boolean; error: { code: string; message: string } }>(join(out, 'full.json'));
  assert.equal(failure.error.code, 'disk_full');
  assert.match(failure.error.message, /disk holding .* is full; the last change was rolled back and nothing stored was lost/);
  assert.match(readFileSync(join(out, 'full.err'), 'utf8'), /convirt: The disk holding .* is full/);
  const afterFull = json<LibraryState>(join(out, 'after-full.json'));
  assert.equal(afterFull.integrity, 'ok');
  assert.ok(Object.keys(afterFull.studies).length < 4, 'the disk filled before the import ended');
  for (const [uid, n] of Object.entries(afterFull.studies)) assert.equal(n, expected.studies[uid], `study ${uid} is whole`);

  assert.equal(readFileSync(join(out, 'resumed.rc'), 'utf8').trim(), '0');
  assert.deepEqual(json<LibraryState>(join(out, 'after-resume.json')), expected);
});

test('convirt import into a read-only library: exit 1 with read_only, and the library is left byte for byte as it was', { skip: NO_SHARED_DICOM, timeout: 300_000 }, () => {
  const dir = tempDir();
  const data = join(dir, 'studies');
  writeRelabelledCopies(filesUnder(join(SHARED_DICOM, 'generated')), data, 1);
  const folder = join(dir, 'library');
  const library = join(folder, 'library.sqlite');
  const first = runCli(['import', data, '--library', library, '--json'], {}, 300_000);
  assert.equal(first.status, 0, first.stderr);
  const hash = () => createHash('sha256').update(readFileSync(library)).digest('hex');
  const before = hash();
  const more = join(dir, 'more');
  writeRelabelledCopies(filesUnder(join(SHARED_DICOM, 'generated')), more, 2);
  const out = join(dir, 'out');
  mkdirSync(out);
  inNamespace(
    [
      `mount --bind "${folder}" "${folder}"`,
      `mount -o remount,bind,ro "${folder}"`,
      `${cli(`import "${more}" --library "${library}" --json`)} > "${out}/ro.json" 2> "${out}/ro.err"; echo $? > "${out}/ro.rc"`,
    ].join(' && '),
  );
  assert.equal(readFileSync(join(out, 'ro.rc'), 'utf8').trim(), '1');
  const failure = json<{ ok: boolean; error: { code: string; message: string } }>(join(out, 'ro.json'));
  assert.equal(failure.error.code, 'read_only');
  assert.ok(failure.error.message.includes(library), failure.error.message);
  assert.match(failure.error.message, /read-only\. Copy the library to a writable folder or fix its permissions/);
  assert.equal(hash(), before);
});
