/** The search channels through the shared dispatcher: schemas validated both ways, errors as values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { createServices } from '../../src-main/services/index';
import { openTempLibrary, seedStudies } from './library-fixture';

test('search:models, search:similar and search:text over a real library through dispatch', async () => {
  const { db, path } = openTempLibrary();
  const studies = seedStudies(db, [{ sentences: ['Left pleural effusion.'] }, { modality: 'DX' }, {}]);
  const repo = new EmbeddingsRepo(db);
  const vectors = [[1, 0, 0], [0.8, 0.2, 0], [0, 0, 1]];
  repo.writeBatch({ modelId: 'run-1/step-10' }, 'image', studies.map((s, i) => ({ studyId: s.studyId, instanceId: s.instanceIds[0]!, vector: new Float32Array(vectors[i]!) })));
  repo.writeBatch({ modelId: 'run-1/step-10' }, 'sentence', [{ studyId: studies[0]!.studyId, sentenceId: studies[0]!.sentenceIds[0]!, vector: new Float32Array([1, 0, 0]) }]);
  db.close();

  const services = createServices(path, 'cli');
  try {
    const models = await services.dispatch('search:models', {});
    assert.deepEqual(models, { ok: true, value: [{ modelId: 'run-1/step-10', checkpointId: null, dim: 3, images: 3, sentences: 1 }] });

    const similar = await services.dispatch('search:similar', { instanceId: studies[1]!.instanceIds[0]!, k: 5 });
    assert.ok(similar.ok);
    const value = similar.value as { hits: { studyId: number; sentence: { text: string } | null }[] };
    assert.deepEqual(value.hits.map((h) => h.studyId), [studies[0]!.studyId, studies[2]!.studyId]);
    assert.equal(value.hits[0]!.sentence!.text, 'Left pleural effusion.');
    assert.equal(value.hits[1]!.sentence, null);

    const filtered = await services.dispatch('search:similar', { instanceId: studies[0]!.instanceIds[0]!, filters: { modality: 'DX' } });
    assert.deepEqual((filtered as { ok: true; value: { hits: { studyId: number }[] } }).value.hits.map((h) => h.studyId), [studies[1]!.studyId]);

    const text = await services.dispatch('search:text', { text: 'effusion' });
    assert.equal(text.ok, false);
    assert.match(!text.ok ? text.error.message : '', /encoder cannot be loaded/);
    const bad = await services.dispatch('search:text', { text: '', k: 0 });
    assert.equal(!bad.ok && bad.error.code, 'bad_request');
  } finally {
    services.close();
  }
});
