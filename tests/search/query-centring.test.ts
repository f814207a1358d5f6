/**
 * Query centring (src-main/search/query-centring.ts): the mean row of an index,
 * the centred query, and the reason it exists: when every embedding shares one
 * large direction, uncentred search ranks images by their closeness to that
 * direction whatever the query; centred search finds the images the query names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { EmbeddingIndex } from '../../src-main/search/embedding-index';
import { centredQuery, meanRow } from '../../src-main/search/query-centring';
import { openTempLibrary, seedStudies } from './library-fixture';
import { mulberry32, randomVector } from './seeded';

test('meanRow averages contiguous rows; centredQuery subtracts it, and leaves a query equal to the mean unchanged', () => {
  const data = Float32Array.from([1, 2, 3, 3, 4, 5]);
  assert.deepEqual([...meanRow(data, 2, 3)], [2, 3, 4]);
  assert.deepEqual([...meanRow(data, 0, 3)], [0, 0, 0]);
  assert.deepEqual([...centredQuery(Float32Array.from([5, 3, 4]), Float32Array.from([2, 3, 4]))], [3, 0, 0]);
  assert.deepEqual([...centredQuery(Float32Array.from([2, 3, 4]), Float32Array.from([2, 3, 4]))], [2, 3, 4]);
  assert.throws(() => centredQuery(new Float32Array(3), new Float32Array(2)), /3 values, mean 2/);
});

test('with a shared direction in every embedding, the centred query finds the named images where the raw one does not', () => {
  const { db } = openTempLibrary();
  const rand = mulberry32(5);
  const dim = 16;
  // Unit vectors: common (axis 0) dominates every text and image; axis 1 is "the finding".
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  const studies = seedStudies(db, Array.from({ length: 40 }, () => ({ images: 1 })));
  const positive = new Set(studies.slice(0, 8).map((s) => s.studyId));
  const images = studies.map((s) => {
    const noise = randomVector(rand, dim);
    // Normal images sit closer to the common direction than the positive ones.
    const v = Array.from(noise, (x, j) => 0.05 * x + (j === 0 ? (positive.has(s.studyId) ? 1 : 1.4) : 0) + (j === 1 && positive.has(s.studyId) ? 0.5 : 0));
    return { studyId: s.studyId, instanceId: s.instanceIds[0]!, vector: unit(v) };
  });
  const texts = Array.from({ length: 50 }, (_, i) => unit(Array.from(randomVector(rand, dim), (x, j) => 0.05 * x + (j === 0 ? 1 : 0) + (j === 1 && i % 5 === 0 ? 0.1 : 0))));
  const repo = new EmbeddingsRepo(db);
  repo.writeBatch({ modelId: 'm' }, 'image', images);
  const index = EmbeddingIndex.load(repo, 'm', 'image');
  const query = unit(Array.from({ length: dim }, (_, j) => (j === 0 ? 1 : j === 1 ? 0.1 : 0)));
  const textMean = meanRow(Float32Array.from(texts.flatMap((t) => [...t])), texts.length, dim);
  const precision = (q: Float32Array) => index.searchStudies(q, { k: 8 }).filter((h) => positive.has(h.studyId)).length / 8;
  assert.ok(precision(query) <= 0.25, `raw query: precision@8 ${precision(query)}`);
  assert.equal(precision(centredQuery(query, textMean)), 1);
});
