import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accuracy,
  argmaxRows,
  bootstrapCi,
  meanStd,
  multiLabelAuc,
  oneVsRestAuc,
  pick,
  precisionAtK,
  quantile,
  retrievalPrecision,
  rocAuc,
  rocCurve,
} from '../../src-main/eval/metrics';
import { aucDefined } from '../../src-main/eval/metrics/roc-auc';
import { mulberry32, shuffled } from '../../src-main/eval/random';
import { AppError } from '../../src-shared/result';
import { assertClose, golden } from './golden';

const TOL = 1e-9;

describe('ROC AUC against scikit-learn roc_auc_score', () => {
  for (const c of golden.auc) {
    it(c.name, () => assertClose([rocAuc(c.labels, c.scores)], [c.auc], TOL, c.name));
  }

  it('ROC curve points match roc_curve(drop_intermediate=False)', () => {
    const curve = rocCurve(golden.rocCurve.labels, golden.rocCurve.scores);
    assertClose(curve.fpr, golden.rocCurve.fpr, TOL, 'fpr');
    assertClose(curve.tpr, golden.rocCurve.tpr, TOL, 'tpr');
    assert.equal(curve.thresholds[0], Number.POSITIVE_INFINITY);
  });

  it('is undefined with one class, and rejects labels other than 0/1', () => {
    assert.throws(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]), AppError);
    assert.throws(() => rocAuc([0, 2], [0.1, 0.2]), /expected 0 or 1/);
    assert.throws(() => rocAuc([0, 1], [0.1]), /2 labels but 1 scores/);
    assert.equal(aucDefined([0, 0]), false);
    assert.equal(aucDefined([0, 1]), true);
  });
});

describe('multi-label and multi-class AUC against scikit-learn', () => {
  it('per-class and macro (average=None / macro)', () => {
    const result = multiLabelAuc(golden.multiLabel.labels, golden.multiLabel.scores);
    assertClose(result.perClass as number[], golden.multiLabel.perClass, TOL, 'per class');
    assertClose([result.macro as number], [golden.multiLabel.macro], TOL, 'macro');
  });

  it("one-vs-rest macro (multi_class='ovr')", () => {
    const result = oneVsRestAuc(golden.oneVsRest.classes, golden.oneVsRest.probabilities);
    assertClose([result.macro as number], [golden.oneVsRest.macro], TOL, 'ovr macro');
  });

  it('a class with one label value is null and left out of the macro mean', () => {
    const result = multiLabelAuc([[0, 1], [1, 1], [0, 1]], [[0.1, 0.5], [0.9, 0.2], [0.2, 0.3]]);
    assert.deepEqual(result, { perClass: [1, null], macro: 1 });
  });
});

describe('accuracy and summaries', () => {
  it('accuracy matches accuracy_score', () => {
    assertClose([accuracy(golden.accuracy.actual, golden.accuracy.predicted)], [golden.accuracy.accuracy], TOL, 'accuracy');
  });

  it('argmax takes the first of tied maxima', () => {
    assert.deepEqual(argmaxRows([[0.2, 0.5, 0.5], [3, 1, 2]]), [1, 0]);
  });

  it('mean and sample std (numpy ddof=1)', () => {
    const s = meanStd(golden.summary.values);
    assertClose([s.mean, s.std], [golden.summary.mean, golden.summary.std], TOL, 'mean/std');
    assert.deepEqual(meanStd([0.7]), { mean: 0.7, std: 0, n: 1 });
  });

  it('quantiles match numpy.percentile (linear)', () => {
    const got = golden.summary.qs.map((q) => quantile(golden.summary.quantileValues, q));
    assertClose(got, golden.summary.quantiles, TOL, 'quantiles');
  });
});

describe('bootstrap confidence intervals replayed in scikit-learn', () => {
  it('mulberry32 draws match the Python port', () => {
    const random = mulberry32(golden.mulberry32.seed);
    assert.deepEqual(golden.mulberry32.first.map(() => random()), golden.mulberry32.first);
  });

  for (const c of golden.bootstrap) {
    it(c.name, () => {
      const auc = (indices: Int32Array) => {
        const y = pick(c.labels, indices);
        return aucDefined(y) ? rocAuc(y, pick(c.scores, indices)) : null;
      };
      const ci = bootstrapCi(c.labels.length, auc, { seed: c.seed, resamples: c.resamples, ...(c.stratified ? { strata: c.labels } : {}) });
      assert.equal(ci.skipped, c.skipped);
      assert.equal(ci.resamples, c.resamples - c.skipped);
      assertClose([ci.estimate, ci.lower, ci.upper], [c.estimate, c.lower, c.upper], TOL, `${c.name} CI`);
      assert.ok(ci.lower <= ci.estimate && ci.estimate <= ci.upper);
    });
  }

  it('another seed gives another interval; the same seed the same', () => {
    const c = golden.bootstrap[0]!;
    const auc = (indices: Int32Array) => rocAuc(pick(c.labels, indices), pick(c.scores, indices));
    const a = bootstrapCi(c.labels.length, auc, { seed: 1, resamples: 200, strata: c.labels });
    const b = bootstrapCi(c.labels.length, auc, { seed: 1, resamples: 200, strata: c.labels });
    const other = bootstrapCi(c.labels.length, auc, { seed: 2, resamples: 200, strata: c.labels });
    assert.deepEqual(a, b);
    assert.notEqual(a.lower, other.lower);
  });
});

describe('retrieval precision against a numpy reference', () => {
  it('Precision@5/10/50 per category and macro', () => {
    const r = golden.retrieval;
    const result = retrievalPrecision(
      r.queries.map((q) => ({ category: q.category, vector: Float32Array.from(q.vector) })),
      r.candidates.map((c) => ({ categories: c.categories, vector: Float32Array.from(c.vector) })),
      r.ks,
    );
    for (const [category, expected] of Object.entries(r.perCategory)) assertClose(result.perCategory[category]!, expected, TOL, category);
    assertClose(result.macro, r.macro, TOL, 'macro');
  });

  it('precision@k counts hits in the top k, and needs k candidates', () => {
    assert.equal(precisionAtK([true, false, true, true], 2), 0.5);
    assert.throws(() => precisionAtK([true], 5), /at least 5 candidates/);
  });

  it('leaves the query itself out of its ranking when ids match', () => {
    const v = (x: number, y: number) => Float32Array.of(x, y);
    const pool = [
      { id: 's1', categories: ['a'], vector: v(1, 0) },
      { id: 's2', categories: ['b'], vector: v(0.9, 0.1) },
      { id: 's3', categories: ['a'], vector: v(0, 1) },
    ];
    const withSelf = retrievalPrecision([{ category: 'a', vector: v(1, 0) }], pool, [1]);
    const withoutSelf = retrievalPrecision([{ id: 's1', category: 'a', vector: v(1, 0) }], pool, [1]);
    assert.deepEqual([withSelf.macro[0], withoutSelf.macro[0]], [1, 0]);
  });
});

describe('seeded shuffle', () => {
  it('is a permutation that depends on the seed only', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const a = shuffled(items, mulberry32(3));
    assert.deepEqual(a, shuffled(items, mulberry32(3)));
    assert.deepEqual([...a].sort((x, y) => x - y), items);
    assert.notDeepEqual(a, shuffled(items, mulberry32(4)));
  });
});
