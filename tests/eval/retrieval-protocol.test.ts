import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracy, argmaxRows } from '../../src-main/eval/metrics/accuracy';
import { imageToImageRetrieval, retrievalSets, textToImageRetrieval, zeroShotScores } from '../../src-main/eval/protocol/retrieval';
import { mulberry32 } from '../../src-main/eval/random';
import type { LabelTask, TaskExample } from '../../src-main/eval/tasks/task';

/** 3 classes x 60 studies; features = class direction x signal + noise. */
function setup(signal: number) {
  const examples: TaskExample[] = Array.from({ length: 180 }, (_, i) => ({ key: `s${i}`, patientKey: `p${i}`, target: i % 3 }));
  const task: LabelTask = { name: 't', kind: 'multiclass', classNames: ['a', 'b', 'c'], examples, convention: '', excluded: {} };
  const vector = (i: number) => {
    const random = mulberry32(i + 7);
    return Float32Array.from({ length: 8 }, (_, j) => (j === i % 3 ? signal : 0) + random() - 0.5);
  };
  return { task, featurize: (keys: readonly string[]) => keys.map((k) => vector(Number(k.slice(1)))) };
}

describe('retrieval protocol (CheXpert 8x200 template)', () => {
  it('draws queries per category and a pool without them, seeded', () => {
    const { task } = setup(1);
    const sets = retrievalSets(task, { queriesPerCategory: 5, poolPerCategory: 30, seed: 1 });
    assert.equal(sets.queries.length, 15);
    assert.equal(sets.pool.length, 90);
    const queryKeys = new Set(sets.queries.map((q) => q.key));
    assert.ok(sets.pool.every((p) => !queryKeys.has(p.key)));
    assert.deepEqual(retrievalSets(task, { queriesPerCategory: 5, poolPerCategory: 30, seed: 1 }), sets);
    assert.throws(() => retrievalSets(task, { queriesPerCategory: 60 }), /fewer than 60 queries plus a pool/);
  });

  it('image-to-image: informative features retrieve their class, noise sits near chance (1/3)', async () => {
    const good = setup(3);
    const noise = setup(0);
    const options = { queriesPerCategory: 10, poolPerCategory: 50, seed: 0 };
    const p = await imageToImageRetrieval(retrievalSets(good.task, options), good.featurize, [5, 10, 50]);
    const q = await imageToImageRetrieval(retrievalSets(noise.task, options), noise.featurize, [5, 10, 50]);
    assert.ok(p.macro[0]! > 0.9, `good P@5 ${p.macro[0]}`);
    assert.ok(Math.abs(q.macro[2]! - 1 / 3) < 0.15, `noise P@50 ${q.macro[2]}`);
    assert.equal(p.queries, 30);
  });

  it('text-to-image and zero-shot with one prompt vector per class', async () => {
    const { task, featurize } = setup(3);
    const prompts = [0, 1, 2].map((c) => Float32Array.from({ length: 8 }, (_, j) => (j === c ? 1 : 0)));
    const sets = retrievalSets(task, { queriesPerCategory: 2, poolPerCategory: 50 });
    const p = await textToImageRetrieval(sets, prompts.map((vector, c) => ({ category: task.classNames[c]!, vector })), featurize, [10]);
    assert.ok(p.macro[0]! > 0.9);
    const vectors = featurize(task.examples.map((e) => e.key));
    const predicted = argmaxRows(zeroShotScores(vectors, prompts));
    assert.ok(accuracy(task.examples.map((e) => e.target as number), predicted) > 0.9);
  });
});
