/**
 * search:zeroShot and search:map with a real trained checkpoint: 8 COVID
 * pairs, a tiny ConVIRT model trained one epoch by the real trainer, the
 * library embedded with it, then the services every door shares. The
 * zero-shot scores are recomputed here from the checkpoint's own prompt
 * embeddings and the stored image vectors.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { useBackend } from '../../src-main/ml/backend/select';
import { loadCheckpointEmbedder } from '../../src-main/search/checkpoint-embedder';
import { embedCheckpoint } from '../../src-main/search/checkpoint-models';
import { createServices } from '../../src-main/services/index';
import { CHEXPERT_OBSERVATIONS } from '../../src-shared/contract/labels';
import type { MapResponse, ZeroShotResponse } from '../../src-shared/contract/search';
import { covidLibrary, covidSkip } from '../helpers/covid-library';
import { trainTinyCheckpoint } from './tiny-checkpoint';

const STUDIES = 8;


const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j]!, 0);

before(() => useBackend('cpu'));

test('zero-shot scores and the map from a trained checkpoint', { skip: covidSkip }, async () => {
  const { db, path } = await covidLibrary(STUDIES);
  const { checkpoint, pairs } = await trainTinyCheckpoint(db, path);
  assert.ok(pairs > 0);
  const { modelId } = await embedCheckpoint(db, path, checkpoint);

  // Expected scores, from the checkpoint's prompt vectors and the stored image vector of one study.
  const study = db.prepare('SELECT se.study_id AS studyId, i.id AS instanceId FROM instances i JOIN series se ON se.id = i.series_id ORDER BY i.id LIMIT 1').get() as { studyId: number; instanceId: number };
  const image = new EmbeddingsRepo(db).vectorOf(modelId, 'image', study.instanceId)!;
  const norm = Math.sqrt(dot(image, image));
  const embedder = loadCheckpointEmbedder(db, path, checkpoint);
  const expected = CHEXPERT_OBSERVATIONS.map((label) => {
    const phrase = label.toLowerCase();
    const [positive, negative] = label === 'No Finding' ? ['no acute cardiopulmonary abnormality', 'acute cardiopulmonary abnormality'] : [phrase, `no ${phrase}`];
    const gap = (dot(image, embedder.embedText(positive)) - dot(image, embedder.embedText(negative))) / norm / 0.1;
    return 1 / (1 + Math.exp(-gap));
  });
  embedder.dispose();
  const labelsBefore = (db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n;
  db.close();

  const services = createServices(path, 'cli');
  try {
    const zeroShot = await services.dispatch('search:zeroShot', { studyId: study.studyId });
    assert.ok(zeroShot.ok, JSON.stringify(zeroShot));
    const value = zeroShot.value as ZeroShotResponse;
    assert.equal(value.modelId, modelId);
    assert.deepEqual(value.suggestions.map((s) => s.label), [...CHEXPERT_OBSERVATIONS]);
    value.suggestions.forEach((s, i) => {
      assert.ok(Math.abs(s.positiveScore - expected[i]!) < 1e-4, `${s.label}: ${s.positiveScore} vs ${expected[i]}`);
      assert.equal(s.suggestion, s.positiveScore >= 0.6 ? 'positive' : s.positiveScore <= 0.4 ? 'negative' : 'uncertain');
    });
    assert.equal((services.db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n, labelsBefore);

    const map = await services.dispatch('search:map', {});
    assert.ok(map.ok, JSON.stringify(map));
    const layout = map.value as MapResponse;
    assert.deepEqual([layout.modelId, layout.studies, layout.shown], [modelId, STUDIES, STUDIES]);
    assert.ok(layout.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
    assert.ok(new Set(layout.points.map((p) => `${p.x.toFixed(3)},${p.y.toFixed(3)}`)).size > 1, 'points are spread out');
  } finally {
    services.close();
  }
});
