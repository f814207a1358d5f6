/**
 * The archive map is laid out in a worker thread: the workstation answers
 * other requests while UMAP runs, progress arrives as 'map' job events, the
 * layout equals the one computed in-process (seeded), and a restarted
 * workstation reads it from the per-model cache beside the library.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import type { JobEvent } from '../../src-shared/contract/events';
import type { MapResponse } from '../../src-shared/contract/search';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { mapCacheDirFor } from '../../src-main/search/map-cache';
import { studyMeans, umapLayout } from '../../src-main/search/map-layout';
import { layoutInThread } from '../../src-main/search/map-thread';
import { createServices } from '../../src-main/services/index';
import { openTempLibrary, seedStudies } from './library-fixture';
import { fillClustered, mulberry32 } from './seeded';

const DIM = 64;

test('a layout in the worker thread equals the in-process layout of the same vectors and seed', async () => {
  const rows = 120;
  const matrix = new Float32Array(rows * DIM);
  fillClustered(matrix, DIM, mulberry32(3), 4, 0.4);
  const vectors = studyMeans(matrix, DIM, Array.from({ length: rows }, (_, i) => i + 1));
  const inProcess = await umapLayout(vectors, { seed: 42 });
  const epochs: number[] = [];
  // The thread takes its own copy: the buffer handed over is detached here.
  const threaded = await layoutInThread({ ...vectors, matrix: vectors.matrix.slice() }, 42, (epoch) => epochs.push(epoch));
  assert.deepEqual(threaded, inProcess);
  assert.ok(epochs.length > 0 && epochs.at(-1) === 200, `progress epochs ${epochs.join(',')}`);
});

test('the services answer other requests while the map computes; progress events; cached per model on disk', async () => {
  const { db, path } = openTempLibrary();
  const studies = seedStudies(db, Array.from({ length: 900 }, () => ({})));
  const matrix = new Float32Array(studies.length * DIM);
  fillClustered(matrix, DIM, mulberry32(9), 6, 0.5);
  new EmbeddingsRepo(db).writeBatch({ modelId: 'm1' }, 'image', studies.map((s, i) => ({ studyId: s.studyId, instanceId: s.instanceIds[0]!, vector: matrix.subarray(i * DIM, (i + 1) * DIM) })));
  db.close();

  const services = createServices(path, 'cli');
  const progress: JobEvent[] = [];
  services.events.subscribe((e) => {
    if (e.kind === 'map') progress.push(e);
  });
  let map: MapResponse | null = null;
  try {
    const pending = services.dispatch('search:map', {}).then((r) => {
      assert.ok(r.ok, JSON.stringify(r));
      map = r.value as MapResponse;
    });
    // Other requests, one after another, each answered while the layout is still computing.
    const answered: number[] = [];
    let worstLagMs = 0;
    while (!map) {
      const sent = performance.now();
      const models = await services.dispatch('search:models', {});
      assert.ok(models.ok);
      if (!map) answered.push(performance.now() - sent);
      const tick = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      worstLagMs = Math.max(worstLagMs, performance.now() - tick - 20);
    }
    await pending;
    assert.ok(answered.length >= 5, `${answered.length} requests answered while the map computed`);
    assert.ok(worstLagMs < 500, `the event loop stalled for ${worstLagMs.toFixed(0)} ms`);
    const result = map as unknown as MapResponse;
    assert.deepEqual([result.computed, result.studies, result.shown], [true, 900, 900]);
    const done = progress.flatMap((e) => (e.type === 'progress' ? [e] : []));
    assert.ok(done.length >= 2, `${done.length} progress events`);
    // UMAP's 200 epochs at this size (map-layout.ts), the last one reported.
    assert.ok(done.every((e) => e.jobId === 'map-m1' && e.total === 200));
    assert.equal(done.at(-1)!.done, 200);

    const again = (await services.dispatch('search:map', { colourBy: 'x' })) as { ok: true; value: MapResponse };
    assert.equal(again.value.computed, false);
  } finally {
    services.close();
  }

  // A restarted workstation draws the same map from the cache beside the library, without UMAP.
  const dir = mapCacheDirFor(path)!;
  assert.deepEqual(existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).length : dir, 1);
  const restarted = createServices(path, 'cli');
  try {
    const cached = (await restarted.dispatch('search:map', {})) as { ok: true; value: MapResponse };
    assert.equal(cached.value.computed, false);
    assert.deepEqual(cached.value.points, (map as unknown as MapResponse).points);
    // Another point count is another layout: computed again.
    const fewer = (await restarted.dispatch('search:map', { maxPoints: 50 })) as { ok: true; value: MapResponse };
    assert.deepEqual([fewer.value.computed, fewer.value.shown], [true, 50]);
  } finally {
    restarted.close();
  }
});
