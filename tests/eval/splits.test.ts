import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawSubset, splitByPatient, subsetSize } from '../../src-main/eval/splits';
import { classCounts, type LabelTask, type TaskExample } from '../../src-main/eval/tasks/task';

/** 300 studies of 120 patients, 10% positive. */
function examples(): TaskExample[] {
  return Array.from({ length: 300 }, (_, i) => ({ key: `s${i}`, patientKey: `p${i % 120}`, target: i % 10 === 3 ? 1 : 0 }));
}
const binaryTask: Pick<LabelTask, 'kind' | 'classNames'> = { kind: 'binary', classNames: ['neg', 'pos'] };

describe('patient-level splits', () => {
  it('no patient in two parts; sizes near 70/10/20; every example placed once', () => {
    const all = examples();
    const split = splitByPatient(all, 0);
    const patientOf = new Map(all.map((e) => [e.key, e.patientKey]));
    const parts = (['train', 'val', 'test'] as const).map((p) => new Set(split[p].map((k) => patientOf.get(k))));
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) assert.equal([...parts[a]!].filter((p) => parts[b]!.has(p)).length, 0);
    assert.equal(split.train.length + split.val.length + split.test.length, 300);
    assert.ok(Math.abs(split.test.length - 60) <= 3 && Math.abs(split.val.length - 30) <= 3, `${split.val.length} / ${split.test.length}`);
  });

  it('stratified by class: a rare class lands in train, val and test for every seed', () => {
    const all = examples();
    const positive = new Set(all.filter((e) => e.target === 1).map((e) => e.key));
    for (let seed = 0; seed < 10; seed++) {
      const split = splitByPatient(all, seed);
      for (const part of ['train', 'val', 'test'] as const) assert.ok(split[part].some((k) => positive.has(k)), `seed ${seed} ${part}`);
    }
  });

  it('depends on the seed only, not on input order', () => {
    const all = examples();
    const a = splitByPatient(all, 5);
    const b = splitByPatient([...all].reverse(), 5);
    assert.deepEqual(new Set(a.test), new Set(b.test));
    assert.notDeepEqual(new Set(a.test), new Set(splitByPatient(all, 6).test));
  });

  it('rejects bad fractions and too few patients', () => {
    assert.throws(() => splitByPatient(examples(), 0, { train: 0.5, val: 0.1, test: 0.1 }), /sum to 1/);
    assert.throws(() => splitByPatient(examples().filter((e) => e.patientKey === 'p1'), 0), /at least 3 patients/);
  });
});

describe('label-fraction subsets', () => {
  it('1% keeps every class (at least one each), stratified, reproducible per seed', () => {
    const train = examples();
    const keys = drawSubset(binaryTask, train, 0.01, 3);
    const chosen = train.filter((e) => keys.includes(e.key));
    assert.deepEqual(classCounts(binaryTask, chosen), [3, 1]);
    assert.deepEqual(drawSubset(binaryTask, train, 0.01, 3), keys);
    assert.notDeepEqual(drawSubset(binaryTask, train, 0.01, 4), keys);
  });

  it('10% keeps the class ratio; 100% is everything', () => {
    const train = examples();
    const chosen = new Set(drawSubset(binaryTask, train, 0.1, 1));
    assert.deepEqual(classCounts(binaryTask, train.filter((e) => chosen.has(e.key))), [27, 3]);
    assert.equal(drawSubset(binaryTask, train, 1, 1).length, 300);
    assert.equal(subsetSize(7, 0.01), 1);
    assert.throws(() => subsetSize(7, 0), /outside \(0, 1\]/);
  });

  it('multi-label: a positive for every observation that has one', () => {
    const task: Pick<LabelTask, 'kind' | 'classNames'> = { kind: 'multilabel', classNames: ['a', 'b', 'c'] };
    const train: TaskExample[] = Array.from({ length: 200 }, (_, i) => ({ key: `s${i}`, patientKey: `p${i}`, target: [i === 17 ? 1 : 0, i % 50 === 0 ? 1 : -1, i % 2] }));
    for (const seed of [0, 1, 2]) {
      const keys = new Set(drawSubset(task, train, 0.01, seed));
      assert.ok(keys.size >= 2 && keys.size <= 3, `size ${keys.size}`);
      assert.deepEqual(classCounts(task, train.filter((e) => keys.has(e.key))).map((c) => c > 0), [true, true, true]);
    }
  });
});
