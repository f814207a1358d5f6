import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimizeLbfgs } from '../../src-main/eval/linear/lbfgs';
import { fitLogistic, predictProbabilities } from '../../src-main/eval/linear/logistic';
import { fitStandardizer } from '../../src-main/eval/linear/standardize';
import { assertClose, golden } from './golden';

const rowsOf = (rows: number[][]) => rows.map((r) => Float32Array.from(r));

describe('logistic regression against scikit-learn LogisticRegression(lbfgs) on StandardScaler features', () => {
  const centred = (b: ArrayLike<number>) => {
    const mean = Array.from(b).reduce((a, v) => a + v, 0) / b.length;
    return Array.from(b, (v) => v - mean);
  };
  for (const c of golden.logreg) {
    it(c.name, () => {
      const model = fitLogistic(rowsOf(c.xTrain), c.yTrain, { C: c.C, classes: c.classes, solver: { gradientTolerance: 1e-10, maxIterations: 5000 } });
      assert.ok(model.converged, `${c.name}: converged`);
      const probabilities = predictProbabilities(model, rowsOf(c.xTest)).flatMap((p) => [...p]);
      // The exact optimum of sklearn's objective (its solution polished in scipy): strictly convex in W, so W is unique.
      assertClose([model.objective], [c.objective], 1e-9 * Math.max(1, Math.abs(c.objective)), `${c.name} objective`);
      assertClose(model.weights, c.coef, 1e-5, `${c.name} coefficients vs optimum`);
      assertClose(probabilities, c.probabilities.flat(), 1e-6, `${c.name} probabilities vs optimum`);
      // Softmax intercepts are unpenalised, so only their differences are determined.
      const intercepts = c.classes === 2 ? [...model.intercepts] : centred(model.intercepts);
      assertClose(intercepts, c.classes === 2 ? c.intercept : centred(c.intercept), 1e-5, `${c.name} intercepts vs optimum`);
      // sklearn's own output, which stops on a relative decrease of 64 eps (gradients up to ~1e-3 left).
      assertClose(model.weights, c.sklearnCoef, 5e-4, `${c.name} coefficients vs sklearn`);
      assertClose(probabilities, c.sklearnProbabilities.flat(), 1e-3, `${c.name} probabilities vs sklearn`);
    });
  }

  it('a warm start reaches the same optimum in fewer iterations', () => {
    const c = golden.logreg[3]!;
    const rows = rowsOf(c.xTrain);
    const cold = fitLogistic(rows, c.yTrain, { C: c.C, classes: c.classes });
    const nearby = fitLogistic(rows, c.yTrain, { C: c.C * 1.1, classes: c.classes });
    const warm = fitLogistic(rows, c.yTrain, { C: c.C, classes: c.classes, init: nearby });
    assert.ok(warm.iterations < cold.iterations, `${warm.iterations} < ${cold.iterations}`);
    assertClose(warm.weights, cold.weights, 1e-5, 'warm vs cold');
  });

  it('rejects targets outside [0, classes) and a non-positive C', () => {
    const rows = rowsOf([[0], [1], [2]]);
    assert.throws(() => fitLogistic(rows, [0, 1, 3], { C: 1, classes: 3 }), /target 2 is 3/);
    assert.throws(() => fitLogistic(rows, [0, 1, 1], { C: 0 }), /C must be positive/);
  });
});

describe('L-BFGS and standardisation', () => {
  it('minimises the Rosenbrock function to its optimum (1, 1)', () => {
    const rosenbrock = (x: Float64Array, g: Float64Array) => {
      const [a, b] = [x[0]!, x[1]!];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const result = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { gradientTolerance: 1e-10 });
    assert.ok(result.converged);
    assertClose(result.x, [1, 1], 1e-6, 'argmin');
  });

  it('a constant feature keeps scale 1 instead of dividing by zero', () => {
    const s = fitStandardizer(rowsOf([[5, 1], [5, 3]]));
    assert.deepEqual([...s.mean], [5, 2]);
    assert.deepEqual([...s.scale], [1, 1]);
  });
});
