/** The embedding pass over a real library file: complete, incremental, cancellable with whole batches, progress reported. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { embedLibrary, type EmbedProgress, type LibraryEncoder } from '../../src-main/search/embed-pass';
import { openTempLibrary, seedStudies } from './library-fixture';

/** A real, deterministic encoder: instance id or text length and first char code into a 4-d vector. */
function encoder(calls: string[]): LibraryEncoder {
  return {
    embedImages: async (ids) => {
      calls.push(`images:${ids.length}`);
      return ids.map((id) => new Float32Array([1, id, 0, 0]));
    },
    embedSentences: async (texts) => {
      calls.push(`sentences:${texts.length}`);
      return texts.map((t) => new Float32Array([0, 0, t.length, t.charCodeAt(0)]));
    },
  };
}

test('a pass embeds every image and sentence in batches with progress; a second pass finds nothing to do', async () => {
  const { db } = openTempLibrary();
  const studies = seedStudies(db, [{ images: 3, sentences: ['Effusion.', 'Normal heart.'] }, { images: 2, sentences: ['Clear lungs.'] }]);
  const calls: string[] = [];
  const progress: EmbedProgress[] = [];
  const result = await embedLibrary(db, { model: { modelId: 'm' }, encoder: encoder(calls), batchSize: 2, onProgress: (p) => progress.push(p) });
  assert.deepEqual(result, { images: 5, sentences: 3, cancelled: false });
  assert.deepEqual(calls, ['images:2', 'images:2', 'images:1', 'sentences:2', 'sentences:1']);
  assert.deepEqual(progress.map((p) => [p.phase, p.done, p.total]), [['images', 2, 8], ['images', 4, 8], ['images', 5, 8], ['sentences', 7, 8], ['sentences', 8, 8]]);
  assert.ok(progress.every((p) => p.rate > 0 && p.etaSeconds !== null));
  assert.equal(progress.at(-1)!.etaSeconds, 0);
  const repo = new EmbeddingsRepo(db);
  assert.deepEqual(repo.vectorOf('m', 'image', studies[1]!.instanceIds[1]!), new Float32Array([1, studies[1]!.instanceIds[1]!, 0, 0]));
  assert.deepEqual(repo.vectorOf('m', 'sentence', studies[0]!.sentenceIds[1]!), new Float32Array([0, 0, 13, 'N'.charCodeAt(0)]));
  assert.deepEqual(await embedLibrary(db, { model: { modelId: 'm' }, encoder: encoder([]) }), { images: 0, sentences: 0, cancelled: false });
  db.close();
});

test('cancelling keeps the batches written; the next pass embeds only the rest, including a newly imported study', async () => {
  const { db } = openTempLibrary();
  seedStudies(db, [{ images: 4, sentences: ['A.'] }]);
  const controller = new AbortController();
  const first = await embedLibrary(db, {
    model: { modelId: 'm' },
    encoder: encoder([]),
    batchSize: 2,
    signal: controller.signal,
    onProgress: (p) => p.done === 2 && controller.abort(),
  });
  assert.deepEqual(first, { images: 2, sentences: 0, cancelled: true });
  seedStudies(db, [{ images: 1 }]);
  const calls: string[] = [];
  const second = await embedLibrary(db, { model: { modelId: 'm' }, encoder: encoder(calls), batchSize: 10 });
  assert.deepEqual(second, { images: 3, sentences: 1, cancelled: false });
  assert.deepEqual(calls, ['images:3', 'sentences:1']);
  assert.equal(new EmbeddingsRepo(db).count('m', 'image'), 5);
  db.close();
});

test('an encoder that returns the wrong number of vectors fails the pass without writing that batch', async () => {
  const { db } = openTempLibrary();
  seedStudies(db, [{ images: 2 }]);
  const broken: LibraryEncoder = { embedImages: async () => [new Float32Array([1, 2])], embedSentences: async () => [] };
  await assert.rejects(embedLibrary(db, { model: { modelId: 'm' }, encoder: broken }), /returned 1 image vectors for a batch of 2/);
  assert.equal(new EmbeddingsRepo(db).count('m', 'image'), 0);
  db.close();
});
