/** Study-level search from a real library file against a brute-force reference: best row per study, filters, exclusion, sentences. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { EmbeddingIndex } from '../../src-main/search/embedding-index';
import { openTempLibrary, seedStudies } from './library-fixture';
import { mulberry32, randomVector } from './seeded';

function referenceStudies(vectors: { studyId: number; vector: Float32Array }[], query: Float32Array, k: number, allowed?: Set<number>) {
  const unit = (v: Float32Array) => {
    const n = Math.hypot(...v);
    return Array.from(v, (x) => x / n);
  };
  const q = unit(query);
  const best = new Map<number, number>();
  for (const { studyId, vector } of vectors) {
    if (allowed && !allowed.has(studyId)) continue;
    const s = unit(vector).reduce((acc, x, j) => acc + x * q[j]!, 0);
    best.set(studyId, Math.max(best.get(studyId) ?? -Infinity, s));
  }
  return [...best].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
}

test('searchStudies returns the exact top k studies by best image, with and without a study filter, for both backends', () => {
  const { db } = openTempLibrary();
  const rand = mulberry32(11);
  const studies = seedStudies(db, Array.from({ length: 40 }, (_, i) => ({ images: 1 + (i % 3) })));
  const items = studies.flatMap((s) => s.instanceIds.map((instanceId) => ({ studyId: s.studyId, instanceId, vector: randomVector(rand, 20) })));
  const repo = new EmbeddingsRepo(db);
  repo.writeBatch({ modelId: 'm' }, 'image', items);
  for (const backend of ['wasm-simd', 'js'] as const) {
    const index = EmbeddingIndex.load(repo, 'm', 'image', backend);
    assert.equal(index.rows, items.length);
    assert.equal(index.studyCount, 40);
    for (let trial = 0; trial < 20; trial++) {
      const query = randomVector(rand, 20);
      const allowed = trial % 2 ? new Set(studies.filter(() => rand() < 0.4).map((s) => s.studyId)) : undefined;
      const k = 1 + (trial % 12);
      const got = index.searchStudies(query, { k, allowedStudyIds: allowed });
      const want = referenceStudies(items, query, k, allowed);
      assert.deepEqual(got.map((h) => h.studyId), want.map(([id]) => id), `${backend} trial ${trial}`);
      got.forEach((h, i) => {
        assert.ok(Math.abs(h.score - want[i]![1]) < 1e-5);
        assert.equal(index.studyIds[h.row], h.studyId, 'the best row belongs to the study');
      });
    }
  }
  db.close();
});

test('find similar excludes the query study; an unknown filter id and an empty index give no hits', () => {
  const { db } = openTempLibrary();
  const studies = seedStudies(db, [{}, {}, {}]);
  const repo = new EmbeddingsRepo(db);
  const vectors = [new Float32Array([1, 0, 0]), new Float32Array([0.9, 0.1, 0]), new Float32Array([0, 0, 1])];
  repo.writeBatch({ modelId: 'm' }, 'image', studies.map((s, i) => ({ studyId: s.studyId, instanceId: s.instanceIds[0]!, vector: vectors[i]! })));
  const index = EmbeddingIndex.load(repo, 'm', 'image');
  const hits = index.searchStudies(vectors[0]!, { k: 2, excludeStudyId: studies[0]!.studyId });
  assert.deepEqual(hits.map((h) => h.studyId), [studies[1]!.studyId, studies[2]!.studyId]);
  assert.deepEqual(index.searchStudies(vectors[0]!, { k: 5, allowedStudyIds: new Set([12345]) }), []);
  assert.deepEqual(EmbeddingIndex.load(repo, 'none', 'image').searchStudies(vectors[0]!, { k: 5 }), []);
  db.close();
});

test('bestRowOfStudy picks the study sentence closest to the query', () => {
  const { db } = openTempLibrary();
  const [a, b] = seedStudies(db, [{ sentences: ['Small left pleural effusion.', 'Heart size normal.'] }, { sentences: ['No acute findings.'] }]);
  const repo = new EmbeddingsRepo(db);
  repo.writeBatch({ modelId: 'm' }, 'sentence', [
    { studyId: a!.studyId, sentenceId: a!.sentenceIds[0]!, vector: new Float32Array([1, 0.2, 0]) },
    { studyId: a!.studyId, sentenceId: a!.sentenceIds[1]!, vector: new Float32Array([0, 1, 0]) },
    { studyId: b!.studyId, sentenceId: b!.sentenceIds[0]!, vector: new Float32Array([1, 0, 0]) },
  ]);
  const sentences = EmbeddingIndex.load(repo, 'm', 'sentence');
  const best = sentences.bestRowOfStudy(new Float32Array([0.1, 2, 0]), a!.studyId)!;
  assert.equal(sentences.sentenceIds[best.row], a!.sentenceIds[1]);
  assert.equal(sentences.bestRowOfStudy(new Float32Array([1, 0, 0]), a!.studyId)!.row, 0);
  assert.equal(sentences.bestRowOfStudy(new Float32Array([1, 0, 0]), 999), null);
  db.close();
});

test('the int8-bounded path returns exactly the full float32 scan: rows and studies, random, clustered and duplicated rows, with filters', () => {
  const { db } = openTempLibrary();
  const dim = 48;
  const studies = seedStudies(db, Array.from({ length: 150 }, (_, i) => ({ images: 1 + (i % 4) })));
  const rand = mulberry32(99);
  const centres = Array.from({ length: 5 }, () => randomVector(rand, dim));
  const items = studies.flatMap((s, si) =>
    s.instanceIds.map((instanceId, ii) => {
      // Clustered rows, some exact duplicates (ties) and some far from every centre.
      const base = si % 7 === 0 && ii > 0 ? centres[0]! : centres[si % 5]!;
      const noise = si % 7 === 0 && ii > 0 ? 0 : si % 11 === 0 ? 3 : 0.4;
      const v = randomVector(rand, dim).map((x, j) => base[j]! + noise * x);
      return { studyId: s.studyId, instanceId, vector: v };
    }),
  );
  const repo = new EmbeddingsRepo(db);
  repo.writeBatch({ modelId: 'm' }, 'image', items);
  const index = EmbeddingIndex.load(repo, 'm', 'image');
  let rescored = 0;
  for (let trial = 0; trial < 60; trial++) {
    const query = trial % 3 === 0 ? randomVector(rand, dim) : centres[trial % 5]!.map((x) => x + 0.3 * (rand() - 0.5));
    const k = [1, 5, 10, 40, 200, 1000][trial % 6]!;
    const allowed = trial % 4 === 1 ? new Set(studies.filter(() => rand() < 0.3).map((s) => s.studyId)) : undefined;
    const exclude = trial % 5 === 2 ? studies[trial]!.studyId : undefined;
    const full = index.searchStudies(query, { k, allowedStudyIds: allowed, excludeStudyId: exclude, exhaustive: true });
    const fast = index.searchStudies(query, { k, allowedStudyIds: allowed, excludeStudyId: exclude });
    assert.deepEqual(fast, full, `studies trial ${trial}`);
    rescored += index.matrix.lastRescored;
    const mask = trial % 2 ? Uint8Array.from({ length: index.rows }, () => (rand() < 0.5 ? 1 : 0)) : undefined;
    const rowsFull = index.searchRows(query, k, { allowedRows: mask, exhaustive: true });
    const rowsFast = index.searchRows(query, k, { allowedRows: mask });
    assert.deepEqual([...rowsFast.indices], [...rowsFull.indices], `rows trial ${trial}`);
    assert.deepEqual([...rowsFast.scores], [...rowsFull.scores]);
  }
  // The bounds must actually prune: far fewer float32 rescores than rows.
  assert.ok(rescored < 0.8 * 60 * index.rows, `rescored ${rescored} of ${60 * index.rows}`);
  db.close();
});
