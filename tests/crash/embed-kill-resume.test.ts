/**
 * kill -9 during the embedding pass (embedCheckpoint: what `convirt embed`,
 * `convirt pretrain` and the Train screen's 'embed' job run), then restart:
 * the library passes PRAGMA integrity_check, every stored vector is whole and
 * equals the vector of an uninterrupted pass (only whole batches land), and
 * `convirt embed` with no --checkpoint resumes the same model and ends with
 * the same vectors and counts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3';
import { openLibrary } from '../../src-main/db/connection';
import { useBackend } from '../../src-main/ml/backend/select';
import { embedCheckpoint } from '../../src-main/search/checkpoint-models';
import { runCli } from '../helpers/cli';
import { covidLibrary, covidSkip } from '../helpers/covid-library';
import { tempDir } from '../helpers/temp';
import { trainTinyCheckpoint } from '../search/tiny-checkpoint';

before(() => useBackend('cpu'));

/** The killed pass's batch size: small, so the kill lands between batches of the image phase. */
const BATCH = 4;
const PAIRS = 12;

interface StoredVector {
  kind: string;
  item: number;
  dim: number;
  vector: Buffer;
}

function storedVectors(path: string, modelId: string): Map<string, StoredVector> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare('SELECT kind, coalesce(instance_id, sentence_id, study_id) AS item, dim, vector FROM embeddings WHERE model_id = ?')
      .all(modelId) as StoredVector[];
    return new Map(rows.map((r) => [`${r.kind}:${r.item}`, r]));
  } finally {
    db.close();
  }
}

function floats(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

function assertSameVector(actual: StoredVector, expected: StoredVector, key: string): void {
  assert.equal(actual.dim, expected.dim, `${key}: dim`);
  assert.equal(actual.vector.byteLength, actual.dim * 4, `${key}: a whole float32 vector`);
  const a = floats(actual.vector);
  const e = floats(expected.vector);
  for (let j = 0; j < a.length; j++) assert.ok(Number.isFinite(a[j]!) && Math.abs(a[j]! - e[j]!) < 1e-5, `${key}[${j}]: ${a[j]} vs ${e[j]}`);
}

/** Runs the embedding pass in a child process and SIGKILLs it as soon as a second connection sees its first batch committed. */
function embedAndKill(library: string, checkpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', join(__dirname, 'embed-child.ts'), library, checkpoint, String(BATCH)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const watcher = new Database(library, { readonly: true, fileMustExist: true });
    const count = watcher.prepare('SELECT count(*) AS n FROM embeddings');
    const poll = setInterval(() => {
      if ((count.get() as { n: number }).n > 0) child.kill('SIGKILL');
    }, 5);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      watcher.close();
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`convirt embed ended (${code}) before it was killed: ${stderr}`));
    });
  });
}

test('kill -9 mid-embedding, then convirt embed again: integrity ok, only whole batches, same vectors as an uninterrupted pass', { skip: covidSkip, timeout: 900_000 }, async () => {
  const dir = tempDir();
  const { db, path } = await covidLibrary(PAIRS, dir);
  const { checkpoint } = await trainTinyCheckpoint(db, path);
  const reference = join(dir, 'reference.sqlite');
  db.prepare('VACUUM INTO ?').run(reference);
  db.close();

  const referenceDb = openLibrary(reference);
  const full = await embedCheckpoint(referenceDb, reference, checkpoint);
  referenceDb.close();
  assert.deepEqual([full.images, full.cancelled], [PAIRS, false]);
  assert.ok(full.sentences > PAIRS, `every note gives sentences (${full.sentences})`);
  const expected = storedVectors(reference, full.modelId);

  await embedAndKill(path, checkpoint);
  const afterKill = openLibrary(path);
  assert.equal(afterKill.pragma('integrity_check', { simple: true }), 'ok');
  afterKill.close();
  const partial = storedVectors(path, full.modelId);
  const total = full.images + full.sentences;
  assert.ok(partial.size > 0 && partial.size < total, `the kill landed mid-pass (${partial.size} of ${total} stored)`);
  const stored = (kind: string) => [...partial.keys()].filter((k) => k.startsWith(`${kind}:`)).length;
  const [images, sentences] = [stored('image'), stored('sentence')];
  assert.ok(images === full.images || (images % BATCH === 0 && sentences === 0), `images are stored in whole batches of ${BATCH}, before any sentence (${images})`);
  assert.ok(sentences === full.sentences || sentences % BATCH === 0, `sentences are stored in whole batches of ${BATCH} (${sentences})`);
  for (const [key, row] of partial) {
    const want = expected.get(key);
    assert.ok(want, `${key} belongs to the library`);
    assertSameVector(row, want, key);
  }

  const resumed = runCli(['embed', '--library', path, '--backend', 'cpu', '--json'], {}, 180_000);
  assert.equal(resumed.status, 0, resumed.stderr);
  const rest = JSON.parse(resumed.stdout) as { modelId: string; images: number; sentences: number };
  assert.equal(rest.modelId, full.modelId, 'without --checkpoint the pass resumes the interrupted model');
  assert.equal(rest.images + rest.sentences, total - partial.size, 'only what the killed pass had not stored is embedded');

  const final = storedVectors(path, full.modelId);
  assert.deepEqual([...final.keys()].sort(), [...expected.keys()].sort());
  for (const [key, row] of final) assertSameVector(row, expected.get(key)!, key);
  const check = openLibrary(path);
  assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
  check.close();
});
