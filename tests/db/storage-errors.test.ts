/**
 * A full disk and a read-only library give clear errors, and nothing stored is
 * lost: real filesystems (a tiny tmpfs, a read-only bind mount) in a private
 * mount namespace, so the test works as root too.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { tempDir } from '../helpers/temp';

const SCENARIO = join(__dirname, 'storage-scenario.ts');

function inNamespace(setup: string, args: string[]): Record<string, unknown> {
  const cmd = `${setup} && "${process.execPath}" --import tsx "${SCENARIO}" ${args.map((a) => `"${a}"`).join(' ')}`;
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', cmd], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `scenario failed (needs root and util-linux unshare): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('a full disk rolls back the failing transaction with a clear error; committed rows stay', () => {
  const dir = tempDir();
  const out = inNamespace(`mount -t tmpfs -o size=1m tmpfs "${dir}"`, ['full', dir]);
  assert.equal(out.error, 'disk_full', JSON.stringify(out));
  assert.match(String(out.message), /disk holding .* is full/);
  assert.ok((out.committed as number) >= 5, 'some studies fit before the disk filled');
  assert.equal(out.countAfterFailure, out.committed);
  assert.equal(out.integrity, 'ok');
});

test('a read-only library gives a clear error and is left byte for byte as it was', () => {
  const dir = tempDir();
  const path = join(dir, 'library.sqlite');
  const db = openLibrary(path);
  db.prepare("INSERT INTO patients (patient_key) VALUES ('P')").run();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const before = createHash('sha256').update(readFileSync(path)).digest('hex');
  const out = inNamespace(`mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}"`, ['readonly', dir]);
  assert.equal(out.error, 'read_only', JSON.stringify(out));
  assert.notEqual(out.wrote, true);
  assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), before);
});
