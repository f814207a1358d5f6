/**
 * Pretraining to search, end to end on a real library: 8 COVID pairs imported
 * from their JPEG / PNG files, a tiny ConVIRT model trained one epoch by the
 * real trainer (in process), the embedding pass with that checkpoint, then
 * text search and find-similar through the services that every door shares.
 */
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { before, test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { useBackend } from '../../src-main/ml/backend/select';
import { loadCheckpointEmbedder } from '../../src-main/search/checkpoint-embedder';
import { embedCheckpoint } from '../../src-main/search/checkpoint-models';
import type { EmbedProgress } from '../../src-main/search/embed-pass';
import { EmbeddingIndex } from '../../src-main/search/embedding-index';
import { createServices } from '../../src-main/services/index';
import type { SearchResponse } from '../../src-shared/contract/search';
import { covidLibrary, covidSkip } from '../helpers/covid-library';
import { trainTinyCheckpoint } from './tiny-checkpoint';

const STUDIES = 8;


function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

before(() => useBackend('cpu'));

test('pretrain -> embed -> text search with best sentences, find similar from an image', { skip: covidSkip }, async () => {
  const { db, path } = await covidLibrary(STUDIES);
  const { runId, checkpoint, pairs } = await trainTinyCheckpoint(db, path);
  assert.equal(pairs, STUDIES);

  const progress: EmbedProgress[] = [];
  const embedded = await embedCheckpoint(db, path, checkpoint, { batchSize: 3, onProgress: (p) => progress.push(p) });
  const sentenceCount = (db.prepare('SELECT count(*) AS n FROM report_sentences').get() as { n: number }).n;
  assert.ok(sentenceCount >= STUDIES);
  assert.deepEqual({ images: embedded.images, sentences: embedded.sentences, cancelled: embedded.cancelled }, { images: STUDIES, sentences: sentenceCount, cancelled: false });
  assert.match(embedded.modelId, new RegExp(`^run-${runId}/step-\\d+`));
  assert.deepEqual([progress.at(-1)?.done, progress.at(-1)?.total], [STUDIES + sentenceCount, STUDIES + sentenceCount]);
  // A second pass finds nothing missing.
  const again = await embedCheckpoint(db, path, checkpoint);
  assert.deepEqual([again.images, again.sentences], [0, 0]);

  // The query path gives the stored vectors again: unit length, eval mode, same preprocessing.
  const repo = new EmbeddingsRepo(db);
  const embedder = loadCheckpointEmbedder(db, path, checkpoint);
  const instances = db.prepare('SELECT i.id AS instanceId, se.study_id AS studyId FROM instances i JOIN series se ON se.id = i.series_id ORDER BY i.id').all() as { instanceId: number; studyId: number }[];
  const images = EmbeddingIndex.load(repo, embedded.modelId, 'image');
  for (const { instanceId, studyId } of instances) {
    const fresh = await embedder.embedImage(instanceId);
    assert.equal(fresh.length, 8);
    assert.ok(Math.abs(norm(fresh) - 1) < 1e-5);
    const stored = repo.vectorOf(embedded.modelId, 'image', instanceId)!;
    fresh.forEach((x, j) => assert.ok(Math.abs(x - stored[j]!) < 1e-5, `image ${instanceId} component ${j}`));
    // Its own study ranks first for a freshly embedded image.
    assert.equal(images.searchStudies(fresh, { k: 3 })[0]!.studyId, studyId);
  }
  const aSentence = db.prepare('SELECT id, text FROM report_sentences ORDER BY id LIMIT 1').get() as { id: number; text: string };
  const textVector = embedder.embedText(aSentence.text);
  assert.deepEqual(Array.from(textVector), Array.from(embedder.embedText(aSentence.text)));
  const storedText = repo.vectorOf(embedded.modelId, 'sentence', aSentence.id)!;
  textVector.forEach((x, j) => assert.ok(Math.abs(x - storedText[j]!) < 1e-5, `sentence component ${j}`));
  embedder.dispose();
  db.close();

  const services = createServices(path, 'cli');
  try {
    const models = await services.dispatch('search:models', {});
    assert.ok(models.ok);
    assert.equal((models.value as { modelId: string; checkpointId: number | null }[])[0]!.modelId, embedded.modelId);

    const text = await services.dispatch('search:text', { text: 'pleural effusion', k: STUDIES });
    assert.ok(text.ok, JSON.stringify(text));
    const response = text.value as SearchResponse;
    assert.equal(response.modelId, embedded.modelId);
    assert.equal(response.hits.length, STUDIES);
    const sentenceStudy = services.db.prepare('SELECT r.study_id AS studyId FROM report_sentences s JOIN reports r ON r.id = s.report_id WHERE s.id = ?');
    response.hits.forEach((hit, i) => {
      if (i > 0) assert.ok(hit.score <= response.hits[i - 1]!.score);
      assert.ok(hit.sentence, `study ${hit.studyId} has a best-matching sentence`);
      assert.equal((sentenceStudy.get(hit.sentence.sentenceId) as { studyId: number }).studyId, hit.studyId);
    });

    // Querying with a report sentence verbatim: that sentence is its study's best match, at cosine 1.
    const exact = await services.dispatch('search:text', { text: aSentence.text, k: STUDIES });
    assert.ok(exact.ok);
    const ownerId = (sentenceStudy.get(aSentence.id) as { studyId: number }).studyId;
    const ownerHit = (exact.value as SearchResponse).hits.find((h) => h.studyId === ownerId)!;
    assert.equal(ownerHit.sentence?.sentenceId, aSentence.id);
    assert.ok(Math.abs(ownerHit.sentence.score - 1) < 1e-4);

    // Find similar leaves the query's own study out and ranks all the others.
    const similar = await services.dispatch('search:similar', { instanceId: instances[0]!.instanceId, k: STUDIES });
    assert.ok(similar.ok);
    const similarIds = (similar.value as SearchResponse).hits.map((h) => h.studyId);
    assert.equal(similarIds.length, STUDIES - 1);
    assert.ok(!similarIds.includes(instances[0]!.studyId));
  } finally {
    services.close();
  }

  // A checkpoint folder gone (pruned, moved): stored vectors still answer find similar; text search says why it cannot.
  renameSync(checkpoint, `${checkpoint}.moved`);
  const without = createServices(path, 'cli');
  try {
    const text = await without.dispatch('search:text', { text: 'pleural effusion' });
    assert.ok(!text.ok);
    assert.match(text.error.message, /encoder cannot be loaded/);
    assert.ok((await without.dispatch('search:similar', { instanceId: instances[0]!.instanceId })).ok);
  } finally {
    without.close();
  }
});
