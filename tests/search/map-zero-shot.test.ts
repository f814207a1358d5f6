/**
 * search:map and search:zeroShot through the shared dispatcher on a real
 * library file: clustered image vectors laid out by UMAP (seeded, cached per
 * model, coloured by labels), and zero-shot prompt scoring with an encoder
 * whose prompt vectors are chosen so the expected suggestion is known.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { createServices } from '../../src-main/services/index';
import { createDispatcher } from '../../src-main/services/dispatch';
import { createSearchService } from '../../src-main/services/search-service';
import { exactKnn, scaleToUnit, seededSubsample, studyMeans } from '../../src-main/search/map-layout';
import { promptsFor, scorePrompts } from '../../src-main/search/zero-shot';
import type { ServiceImpl } from '../../src-shared/contract/index';
import type { MapResponse, ZeroShotResponse } from '../../src-shared/contract/search';
import { openTempLibrary, seedStudies } from './library-fixture';
import { gaussian, mulberry32 } from './seeded';

const DIM = 16;

/** Unit vector near centre `c` (one-hot on axis c) with noise. */
function near(c: number, rand: () => number, noise = 0.15): Float32Array {
  const v = new Float32Array(DIM);
  for (let j = 0; j < DIM; j++) v[j] = (j === c ? 1 : 0) + noise * gaussian(rand);
  return v;
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

test('map math: study means, subsample, scaling and exact neighbours', () => {
  const means = studyMeans(new Float32Array([1, 0, 0, 1, 3, 0]), 2, [7, 7, 9]);
  assert.deepEqual(means.studyIds, [7, 9]);
  assert.deepEqual(Array.from(means.matrix, (x) => Number(x.toFixed(5))), [0.70711, 0.70711, 1, 0]);

  const sample = seededSubsample(100, 10, 3);
  assert.equal(sample.length, 10);
  assert.equal(new Set(sample).size, 10);
  assert.deepEqual(sample, [...sample].sort((a, b) => a - b));
  assert.deepEqual(seededSubsample(100, 10, 3), sample);
  assert.notDeepEqual(seededSubsample(100, 10, 4), sample);
  assert.deepEqual(seededSubsample(3, 10, 3), [0, 1, 2]);

  assert.deepEqual(scaleToUnit([[2, 5], [4, 5], [3, 5]]), [[0, 0.5], [1, 0.5], [0.5, 0.5]]);

  const rand = mulberry32(11);
  const matrix = new Float32Array(40 * DIM);
  for (let r = 0; r < 40; r++) matrix.set(near(r % 4, rand, 0.8), r * DIM);
  const vectors = studyMeans(matrix, DIM, Array.from({ length: 40 }, (_, i) => i + 1));
  const knn = exactKnn(vectors, 5);
  for (let i = 0; i < 40; i++) {
    const brute = Array.from({ length: 40 }, (_, j) => {
      let d = 0;
      for (let k = 0; k < DIM; k++) d += vectors.matrix[i * DIM + k]! * vectors.matrix[j * DIM + k]!;
      return { j, d: j === i ? 0 : 1 - d };
    }).sort((a, b) => a.d - b.d || a.j - b.j);
    assert.equal(knn.indices[i]![0], i);
    assert.deepEqual(knn.indices[i]!.slice(1), brute.slice(1, 5).map((b) => b.j), `row ${i}`);
    knn.distances[i]!.forEach((d, n) => assert.ok(Math.abs(d - brute[n]!.d) < 1e-5));
  }
});

test('search:map lays out clusters apart, colours by label, caches per model and subsamples', async () => {
  const { db, path } = openTempLibrary();
  const specs = Array.from({ length: 30 }, (_, i) => ({
    images: 2,
    labels:
      i % 3 === 0
        ? [{ label: 'Pleural Effusion', value: 'positive', source: 'imported' as const }]
        : i === 1
          ? [
              { label: 'Pleural Effusion', value: 'negative', source: 'imported' as const },
              { label: 'Pleural Effusion', value: 'uncertain', source: 'human' as const },
            ]
          : [],
  }));
  const studies = seedStudies(db, specs);
  const rand = mulberry32(5);
  const repo = new EmbeddingsRepo(db);
  // Three clusters by study index mod 3; both images of a study near its centre.
  repo.writeBatch({ modelId: 'm1' }, 'image', studies.flatMap((s, i) => s.instanceIds.map((instanceId) => ({ studyId: s.studyId, instanceId, vector: near(i % 3, rand) }))));
  db.close();

  const services = createServices(path, 'cli');
  try {
    const first = await services.dispatch('search:map', { colourBy: 'Pleural Effusion' });
    assert.ok(first.ok, JSON.stringify(first));
    const map = first.value as MapResponse;
    assert.deepEqual([map.modelId, map.method, map.studies, map.shown, map.computed], ['m1', 'umap', 30, 30, true]);
    assert.deepEqual(new Set(map.points.map((p) => p.studyId)), new Set(studies.map((s) => s.studyId)));
    for (const p of map.points) assert.ok(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1);
    const clusterOf = new Map(studies.map((s, i) => [s.studyId, i % 3]));
    let within = 0;
    let across = 0;
    let [nw, na] = [0, 0];
    for (const a of map.points) {
      for (const b of map.points) {
        if (a === b) continue;
        if (clusterOf.get(a.studyId) === clusterOf.get(b.studyId)) [within, nw] = [within + distance(a, b), nw + 1];
        else [across, na] = [across + distance(a, b), na + 1];
      }
    }
    assert.ok(within / nw < 0.5 * (across / na), `mean distance within clusters ${within / nw} vs across ${across / na}`);
    const valueOf = new Map(map.points.map((p) => [p.studyId, p.labelValue]));
    assert.equal(valueOf.get(studies[0]!.studyId), 'positive');
    assert.equal(valueOf.get(studies[1]!.studyId), 'uncertain', "a person's label wins over the imported one");
    assert.equal(valueOf.get(studies[2]!.studyId), null);

    // Cached: the same layout, recoloured without recomputing.
    const again = (await services.dispatch('search:map', {})) as { ok: true; value: MapResponse };
    assert.equal(again.value.computed, false);
    assert.deepEqual(again.value.points.map((p) => [p.x, p.y]), map.points.map((p) => [p.x, p.y]));
    assert.ok(again.value.points.every((p) => p.labelValue === null));

    // Subsampled to maxPoints, and still reproducible.
    const small = (await services.dispatch('search:map', { maxPoints: 12 })) as { ok: true; value: MapResponse };
    assert.deepEqual([small.value.studies, small.value.shown, small.value.points.length], [30, 12, 12]);

    // New vectors for the model: the layout is recomputed with the new study.
    const extra = seedStudies(services.db, [{}])[0]!;
    new EmbeddingsRepo(services.db).writeBatch({ modelId: 'm1' }, 'image', [{ studyId: extra.studyId, instanceId: extra.instanceIds[0]!, vector: near(0, rand) }]);
    const grown = (await services.dispatch('search:map', {})) as { ok: true; value: MapResponse };
    assert.deepEqual([grown.value.computed, grown.value.studies], [true, 31]);

    const unknown = await services.dispatch('search:map', { modelId: 'nope' });
    assert.equal(!unknown.ok && unknown.error.code, 'not_found');
  } finally {
    services.close();
  }

  // A fresh process lays the same vectors out the same way (seeded).
  const reopened = createServices(path, 'cli');
  const fresh = createServices(path, 'cli');
  try {
    const a = (await reopened.dispatch('search:map', {})) as { ok: true; value: MapResponse };
    const b = (await fresh.dispatch('search:map', {})) as { ok: true; value: MapResponse };
    assert.deepEqual(a.value.points, b.value.points);
  } finally {
    reopened.close();
    fresh.close();
  }
});

test('search:map on a library without embeddings says to pretrain first', async () => {
  const { db, path } = openTempLibrary();
  seedStudies(db, [{}]);
  db.close();
  const services = createServices(path, 'cli');
  try {
    const r = await services.dispatch('search:map', {});
    assert.ok(!r.ok);
    assert.match(r.error.message, /no image embeddings yet/);
  } finally {
    services.close();
  }
});

test('zero-shot prompts and scores', () => {
  assert.deepEqual(promptsFor('Pleural Effusion'), { positive: 'pleural effusion', negative: 'no pleural effusion' });
  assert.match(promptsFor('No Finding').positive, /^no acute/);
  const e = (i: number) => Float32Array.from({ length: 3 }, (_, j) => (j === i ? 1 : 0));
  const image = Float32Array.from([0.8, 0.6, 0]);
  // gap = (0.8 - 0.6) / 0.1 = 2: sigmoid(2) = 0.8808
  const s = scorePrompts(image, e(0), e(1), true);
  assert.ok(Math.abs(s.positiveScore - 1 / (1 + Math.exp(-2))) < 1e-6);
  assert.equal(s.suggestion, 'positive');
  assert.equal(scorePrompts(image, e(1), e(0), true).suggestion, 'negative');
  assert.equal(scorePrompts(Float32Array.from([0.7, 0.7, 0.14]), e(0), e(1), true).suggestion, 'uncertain');
  assert.equal(scorePrompts(Float32Array.from([0.71, 0.7, 0.14]), e(0), e(1), false).suggestion, 'positive');
});

test('search:zeroShot scores every CheXpert observation of a study and writes no label', async () => {
  const { db } = openTempLibrary();
  const [effusion, clear, unembedded] = seedStudies(db, [{ images: 2 }, {}, {}]);
  const repo = new EmbeddingsRepo(db);
  // Axis 0: "pleural effusion", axis 1: "no pleural effusion"; every other prompt on axes 2 / 3.
  const vectors = [
    Float32Array.from([1, 0.1, 0.3, 0.3]),
    Float32Array.from([0.9, 0.2, 0.3, 0.3]),
    Float32Array.from([0.1, 1, 0.3, 0.3]),
  ];
  repo.writeBatch({ modelId: 'zs' }, 'image', [
    { studyId: effusion!.studyId, instanceId: effusion!.instanceIds[0]!, vector: vectors[0]! },
    { studyId: effusion!.studyId, instanceId: effusion!.instanceIds[1]!, vector: vectors[1]! },
    { studyId: clear!.studyId, instanceId: clear!.instanceIds[0]!, vector: vectors[2]! },
  ]);
  const texts: string[] = [];
  const embedImageCalls: number[] = [];
  const encoder = {
    embedText: (text: string) => {
      texts.push(text);
      if (text === 'pleural effusion') return Float32Array.from([1, 0, 0, 0]);
      if (text === 'no pleural effusion') return Float32Array.from([0, 1, 0, 0]);
      return text.startsWith('no ') ? Float32Array.from([0, 0, 0, 1]) : Float32Array.from([0, 0, 1, 0]);
    },
    embedImage: (instanceId: number) => {
      embedImageCalls.push(instanceId);
      return Float32Array.from([0, 0, 1, 0]);
    },
  };
  const service: ServiceImpl = { search: createSearchService(db, (modelId) => (modelId === 'zs' ? encoder : null)) } as ServiceImpl;
  const dispatch = createDispatcher(service);
  const labelsBefore = (db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n;

  const r = await dispatch('search:zeroShot', { studyId: effusion!.studyId });
  assert.ok(r.ok, JSON.stringify(r));
  const value = r.value as ZeroShotResponse;
  assert.equal(value.images, 2);
  assert.equal(value.suggestions.length, 14);
  const byLabel = new Map(value.suggestions.map((s) => [s.label, s]));
  assert.equal(byLabel.get('Pleural Effusion')!.suggestion, 'positive');
  assert.ok(byLabel.get('Pleural Effusion')!.positiveScore > 0.99);
  assert.ok(Math.abs(byLabel.get('Cardiomegaly')!.positiveScore - 0.5) < 1e-6);
  assert.equal(byLabel.get('Cardiomegaly')!.suggestion, 'uncertain');
  assert.equal(texts.length, 28, 'two prompts per observation');

  const other = (await dispatch('search:zeroShot', { studyId: clear!.studyId })) as { ok: true; value: ZeroShotResponse };
  assert.equal(other.value.suggestions.find((s) => s.label === 'Pleural Effusion')!.suggestion, 'negative');
  assert.equal(texts.length, 28, 'prompt vectors are cached per model');

  // No stored vector: the study's first image is embedded on the spot.
  const fresh = (await dispatch('search:zeroShot', { studyId: unembedded!.studyId })) as { ok: true; value: ZeroShotResponse };
  assert.deepEqual(embedImageCalls, [unembedded!.instanceIds[0]!]);
  assert.equal(fresh.value.images, 1);

  assert.equal((db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n, labelsBefore, 'suggestions are never stored as labels');
  const missing = await dispatch('search:zeroShot', { studyId: 9999 });
  assert.equal(!missing.ok && missing.error.code, 'not_found');
  repo.writeBatch({ modelId: 'no-encoder' }, 'image', [{ studyId: clear!.studyId, instanceId: clear!.instanceIds[0]!, vector: vectors[2]! }]);
  const noEncoder = await dispatch('search:zeroShot', { studyId: clear!.studyId, modelId: 'no-encoder' });
  assert.ok(!noEncoder.ok);
  assert.match(noEncoder.error.message, /encoder cannot be loaded to embed the label prompts/);
  db.close();
});

test('search:text gives the matched sentence its position in the report, as the viewer highlights it', async () => {
  const { db } = openTempLibrary();
  const [study] = seedStudies(db, [{ sentences: ['Heart size normal.', 'Lungs clear.', 'Small left pleural effusion.'] }]);
  // Ordinals need not start at 0 or be contiguous: the index counts the sentences before.
  db.prepare('UPDATE report_sentences SET ordinal = ordinal * 10 + 5').run();
  const repo = new EmbeddingsRepo(db);
  repo.writeBatch({ modelId: 'm' }, 'image', [{ studyId: study!.studyId, instanceId: study!.instanceIds[0]!, vector: Float32Array.from([1, 0, 0]) }]);
  repo.writeBatch({ modelId: 'm' }, 'sentence', study!.sentenceIds.map((sentenceId, i) => ({ studyId: study!.studyId, sentenceId, vector: Float32Array.from([0, i === 2 ? 1 : 0, i === 2 ? 0 : 1]) })));
  const encoder = { embedText: () => Float32Array.from([0.5, 1, 0]), embedImage: () => Float32Array.from([1, 0, 0]) };
  const dispatch = createDispatcher({ search: createSearchService(db, () => encoder) } as ServiceImpl);
  const r = await dispatch('search:text', { text: 'left effusion' });
  assert.ok(r.ok, JSON.stringify(r));
  const sentence = (r.value as { hits: { sentence: { index: number; text: string; start: number; end: number } }[] }).hits[0]!.sentence;
  assert.deepEqual({ index: sentence.index, text: sentence.text, start: sentence.start, end: sentence.end }, { index: 2, text: 'Small left pleural effusion.', start: 32, end: 60 });
  db.close();
});
