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
