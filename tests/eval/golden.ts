/** Loads tests/fixtures/golden-eval/golden.json (made by make_golden.py there) and compares numbers. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BinaryCase { name: string; labels: number[]; scores: number[]; auc: number }
export interface BootstrapCase extends BinaryCase { seed: number; resamples: number; stratified: boolean; estimate: number; skipped: number; lower: number; upper: number }
export interface LogRegCase {
  name: string;
  C: number;
  classes: number;
  dim: number;
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  /** sklearn's coef_ / intercept_ / predict_proba, on standardised features: 1 x d for binary, K x d for multinomial (row-major). */
  sklearnCoef: number[];
  sklearnIntercept: number[];
  sklearnProbabilities: number[][];
  /** The same objective's exact optimum (sklearn's solution polished with scipy; gradientMax left). */
  coef: number[];
  intercept: number[];
  probabilities: number[][];
  objective: number;
  gradientMax: number;
}

export interface ProbeCase {
  name: string;
  classes: number;
  grid: number[];
  xTrain: number[][];
  yTrain: number[];
  xVal: number[][];
  yVal: number[];
  xTest: number[][];
  yTest: number[];
  runs: { subset: number[]; C: number; value: number; candidates: { C: number; score: number; logLoss: number }[] }[];
}

export interface EvalGolden {
  auc: BinaryCase[];
  rocCurve: { labels: number[]; scores: number[]; fpr: number[]; tpr: number[] };
  multiLabel: { labels: number[][]; scores: number[][]; perClass: number[]; macro: number };
  oneVsRest: { classes: number[]; probabilities: number[][]; macro: number };
  accuracy: { actual: number[]; predicted: number[]; accuracy: number };
  summary: { values: number[]; mean: number; std: number; quantileValues: number[]; qs: number[]; quantiles: number[] };
  bootstrap: BootstrapCase[];
  retrieval: {
    ks: number[];
    candidates: { categories: string[]; vector: number[] }[];
    queries: { category: string; vector: number[] }[];
    perCategory: Record<string, number[]>;
    macro: number[];
  };
  mulberry32: { seed: number; first: number[] };
  logreg: LogRegCase[];
  probe: ProbeCase[];
}

export const golden = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'golden-eval', 'golden.json'), 'utf8')) as EvalGolden;

/** |actual - expected| <= tol elementwise, with the worst index in the message. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(diff <= worst)) {
      worst = diff;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: |diff| ${worst} > ${tol} at ${at} (got ${actual[at]}, want ${expected[at]})`);
}
