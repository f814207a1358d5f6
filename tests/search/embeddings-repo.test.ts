/** The embeddings repository against a real SQLite file: round trip, upserts, incremental passes, atomic batches. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { EmbeddingsRepo, type EmbeddingItem } from '../../src-main/db/embeddings-repo';
import { AppError } from '../../src-shared/result';
import { openTempLibrary, seedStudies } from './library-fixture';
import { mulberry32, randomVector } from './seeded';

test('vectors round-trip through the file, bit-exact in the blob and L2-normalised in the matrix', () => {
  const { db, path } = openTempLibrary();
  const studies = seedStudies(db, [{ images: 2 }, { images: 1 }, { images: 3 }]);
  const rand = mulberry32(7);
  const items: EmbeddingItem[] = studies.flatMap((s) => s.instanceIds.map((instanceId) => ({ studyId: s.studyId, instanceId, vector: randomVector(rand, 24) })));
  const repo = new EmbeddingsRepo(db);
  assert.equal(repo.writeBatch({ modelId: 'm1' }, 'image', items), 6);
  db.close();

  const reopened = openLibrary(path);
  const again = new EmbeddingsRepo(reopened);
  for (const item of items) assert.deepEqual(again.vectorOf('m1', 'image', item.instanceId!), item.vector);
  const loaded = again.loadMatrix('m1', 'image');
  assert.equal(loaded.rows, 6);
  assert.equal(loaded.dim, 24);
  assert.ok(loaded.matrix instanceof Float32Array && loaded.matrix.length === 6 * 24);
  items.forEach((item, r) => {
    assert.equal(loaded.instanceIds[r], item.instanceId);
    assert.equal(loaded.studyIds[r], item.studyId);
    assert.equal(loaded.sentenceIds[r], 0);
    const norm = Math.hypot(...item.vector);
    let sq = 0;
    for (let j = 0; j < 24; j++) {
      const x = loaded.matrix[r * 24 + j]!;
      sq += x * x;
      assert.ok(Math.abs(x - item.vector[j]! / norm) < 1e-6);
    }
    assert.ok(Math.abs(sq - 1) < 1e-5);
  });
  assert.deepEqual(again.models(), [{ modelId: 'm1', kind: 'image', checkpointId: null, dim: 24, count: 6 }]);
  reopened.close();
});

test('writing the same items again replaces them (idempotent per model and item); other models are separate', () => {
  const { db } = openTempLibrary();
  const [s] = seedStudies(db, [{ images: 2, sentences: ['No effusion.', 'Heart size normal.'] }]);
  const repo = new EmbeddingsRepo(db);
  const v = (x: number) => new Float32Array([x, 1, 0, 0]);
  repo.writeBatch({ modelId: 'm' }, 'image', [{ studyId: s!.studyId, instanceId: s!.instanceIds[0]!, vector: v(1) }]);
  repo.writeBatch({ modelId: 'm' }, 'image', [{ studyId: s!.studyId, instanceId: s!.instanceIds[0]!, vector: v(2) }]);
  repo.writeBatch({ modelId: 'other' }, 'image', [{ studyId: s!.studyId, instanceId: s!.instanceIds[0]!, vector: v(3) }]);
  repo.writeBatch({ modelId: 'm' }, 'sentence', s!.sentenceIds.map((sentenceId, i) => ({ studyId: s!.studyId, sentenceId, vector: v(10 + i) })));
  assert.equal(repo.count('m', 'image'), 1);
  assert.deepEqual(repo.vectorOf('m', 'image', s!.instanceIds[0]!), v(2));
  assert.deepEqual(repo.vectorOf('other', 'image', s!.instanceIds[0]!), v(3));
  assert.deepEqual(repo.vectorOf('m', 'sentence', s!.sentenceIds[1]!), v(11));
  assert.equal(repo.vectorOf('m', 'image', s!.instanceIds[1]!), null);
  db.close();
});

test('an incremental pass embeds only items without a vector for that model, including newly imported studies', () => {
  const { db } = openTempLibrary();
  const first = seedStudies(db, [{ images: 2, sentences: ['A.', 'B.'] }, { images: 1, sentences: ['C.'] }]);
  const repo = new EmbeddingsRepo(db);
  const rand = mulberry32(3);
  const allImages = first.flatMap((s) => s.instanceIds);
  assert.deepEqual(repo.missingImages('m').map((r) => r.instanceId), allImages);
  assert.deepEqual(repo.missingSentences('m').map((r) => r.text), ['A.', 'B.', 'C.']);
  // Embed part of the library, as a cancelled pass would have.
  const pending = repo.missingImages('m', 2);
  repo.writeBatch({ modelId: 'm' }, 'image', pending.map((p) => ({ ...p, vector: randomVector(rand, 8) })));
  assert.deepEqual(repo.missingImages('m').map((r) => r.instanceId), allImages.slice(2));
  assert.equal(repo.missingImages('another-model').length, 3);

  const [added] = seedStudies(db, [{ images: 2 }]);
  const rest = repo.missingImages('m');
  assert.deepEqual(rest.map((r) => r.instanceId), [allImages[2], ...added!.instanceIds]);
  assert.deepEqual(rest.map((r) => r.studyId), [first[1]!.studyId, added!.studyId, added!.studyId]);
  repo.writeBatch({ modelId: 'm' }, 'image', rest.map((p) => ({ ...p, vector: randomVector(rand, 8) })));
  assert.equal(repo.missingImages('m').length, 0);
  assert.equal(repo.count('m', 'image'), 5);
  db.close();
});

test('a batch with one bad item lands nothing, and the error names the item and the reason', () => {
  const { db } = openTempLibrary();
  const [s] = seedStudies(db, [{ images: 3 }]);
  const repo = new EmbeddingsRepo(db);
  const good = (i: number) => ({ studyId: s!.studyId, instanceId: s!.instanceIds[i]!, vector: new Float32Array([1, 2, 3]) });
  assert.throws(
    () => repo.writeBatch({ modelId: 'm' }, 'image', [good(0), { ...good(1), vector: new Float32Array([1, Number.NaN, 3]) }]),
    (e: unknown) => e instanceof AppError && /item 1 \(image\): value 1 is not finite/.test(e.message),
  );
  assert.throws(() => repo.writeBatch({ modelId: 'm' }, 'image', [good(0), { ...good(1), vector: new Float32Array([1, 2]) }]), /2 dimensions, expected 3/);
  assert.throws(() => repo.writeBatch({ modelId: 'm' }, 'image', [{ studyId: s!.studyId, vector: new Float32Array([1, 2, 3]) }]), /needs an instance id/);
  assert.equal(repo.count('m', 'image'), 0);
  // A foreign-key failure mid-batch (unknown instance) rolls the whole batch back.
  assert.throws(() => repo.writeBatch({ modelId: 'm' }, 'image', [good(0), { ...good(1), instanceId: 99999 }]), /FOREIGN KEY/);
  assert.equal(repo.count('m', 'image'), 0);
  repo.writeBatch({ modelId: 'm' }, 'image', [good(0)]);
  assert.throws(() => repo.writeBatch({ modelId: 'm' }, 'image', [{ ...good(1), vector: new Float32Array([1, 2, 3, 4]) }]), /4 dimensions, expected 3/);
  db.close();
});

test('loadMatrix fills caller-provided memory and deleting a study cascades to its vectors', () => {
  const { db } = openTempLibrary();
  const studies = seedStudies(db, [{ images: 1 }, { images: 1 }]);
  const repo = new EmbeddingsRepo(db);
  repo.writeBatch({ modelId: 'm' }, 'image', studies.map((s, i) => ({ studyId: s.studyId, instanceId: s.instanceIds[0]!, vector: new Float32Array([3 * (i + 1), 4 * (i + 1)]) })));
  const backing = new Float32Array(8);
  const loaded = repo.loadMatrix('m', 'image', (rows, dim) => backing.subarray(2, 2 + rows * dim));
  assert.equal(loaded.matrix.buffer, backing.buffer);
  assert.deepEqual([...backing].map((x) => Math.round(x * 1e6) / 1e6), [0, 0, 0.6, 0.8, 0.6, 0.8, 0, 0]);
  db.prepare('DELETE FROM studies WHERE id = ?').run(studies[0]!.studyId);
  assert.equal(repo.loadMatrix('m', 'image').rows, 1);
  assert.equal(repo.loadMatrix('absent', 'image').rows, 0);
  db.close();
});
