/**
 * L2-regularised logistic regression on stored feature vectors, binary (sigmoid)
 * or multinomial (softmax), solved to convergence with L-BFGS.
 *
 * Features are standardised on the training rows first. On the standardised
 * features z the objective is exactly scikit-learn's LogisticRegression(C, lbfgs):
 *
 *   binary:       sum_i log(1 + exp(-s_i (w·z_i + b)))      + ||w||^2 / (2C),  s_i = ±1
 *   multinomial:  sum_i -log softmax(W z_i + b)[y_i]          + ||W||_F^2 / (2C)
 *
 * with the intercept b unpenalised and W holding one row per class (K x d, not a
 * reference class), i.e. Pipeline(StandardScaler(), LogisticRegression(C=C)).
 * The solver minimises that objective divided by n (same minimiser, scale-free
 * tolerances). Deterministic: zero start, no randomness.
 */
import { AppError } from '../../../src-shared/result';
import { minimizeLbfgs, type LbfgsOptions } from './lbfgs';
import { fitStandardizer, standardizeRows, type Standardizer } from './standardize';

export interface LogisticModel {
  /** 2 for binary (one weight row, sigmoid); K > 2 for multinomial (K rows, softmax). */
  classes: number;
  dim: number;
  C: number;
  /** Weight rows on standardised features, row-major: 1 x d for binary, K x d for multinomial. */
  weights: Float64Array;
  intercepts: Float64Array;
  standardizer: Standardizer;
  /** The objective above (not divided by n) at the solution. */
  objective: number;
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  C: number;
  /** Number of classes; targets are in [0, classes). Defaults to max target + 1 (at least 2). */
  classes?: number;
  solver?: LbfgsOptions;
  /** Warm start (same shape, e.g. from the neighbouring C in a grid); faster, same optimum. */
  init?: Pick<LogisticModel, 'weights' | 'intercepts'>;
}

function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Objective / n and its gradient for parameters laid out as [W (rows x d), b (rows)]. */
function makeObjective(x: Float64Array, y: ArrayLike<number>, n: number, d: number, classes: number, C: number) {
  const rows = classes === 2 ? 1 : classes;
  const penalty = 1 / (C * n);
  const logits = new Float64Array(rows);
  return (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const offset = i * d;
      for (let k = 0; k < rows; k++) {
        let z = theta[rows * d + k] as number;
        const w = k * d;
        for (let j = 0; j < d; j++) z += (theta[w + j] as number) * (x[offset + j] as number);
        logits[k] = z;
      }
      const target = y[i] as number;
      if (rows === 1) {
        const z = logits[0] as number;
        loss += log1pExp(z) - (target === 1 ? z : 0);
        const residual = sigmoid(z) - target;
        for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + residual * (x[offset + j] as number);
        grad[d] = (grad[d] as number) + residual;
        continue;
      }
      let top = -Infinity;
      for (let k = 0; k < rows; k++) top = Math.max(top, logits[k] as number);
      let total = 0;
      for (let k = 0; k < rows; k++) total += Math.exp((logits[k] as number) - top);
      const logNormaliser = top + Math.log(total);
      loss += logNormaliser - (logits[target] as number);
      for (let k = 0; k < rows; k++) {
        const residual = Math.exp((logits[k] as number) - logNormaliser) - (k === target ? 1 : 0);
        const w = k * d;
        for (let j = 0; j < d; j++) grad[w + j] = (grad[w + j] as number) + residual * (x[offset + j] as number);
        grad[rows * d + k] = (grad[rows * d + k] as number) + residual;
      }
    }
    let squares = 0;
    for (let p = 0; p < rows * d; p++) {
      const w = theta[p] as number;
      squares += w * w;
      grad[p] = (grad[p] as number) / n + penalty * w;
    }
    for (let k = 0; k < rows; k++) grad[rows * d + k] = (grad[rows * d + k] as number) / n;
    return loss / n + (penalty / 2) * squares;
  };
}

function checkTargets(targets: ArrayLike<number>, n: number, classes: number): void {
  if (targets.length !== n) throw new AppError('bad_request', `logistic regression: ${n} rows but ${targets.length} targets`);
  for (let i = 0; i < n; i++) {
    const t = targets[i] as number;
    if (!Number.isInteger(t) || t < 0 || t >= classes) throw new AppError('bad_request', `logistic regression: target ${i} is ${t}, expected an integer in [0, ${classes})`);
  }
}

export function fitLogistic(rows: readonly Float32Array[], targets: ArrayLike<number>, options: LogisticOptions): LogisticModel {
  const n = rows.length;
  if (n === 0) throw new AppError('bad_request', 'logistic regression: no training rows');
  if (!(options.C > 0)) throw new AppError('bad_request', `logistic regression: C must be positive, got ${options.C}`);
  let maxTarget = 0;
  for (let i = 0; i < targets.length; i++) maxTarget = Math.max(maxTarget, targets[i] as number);
  const classes = options.classes ?? Math.max(2, maxTarget + 1);
  checkTargets(targets, n, classes);
  const standardizer = fitStandardizer(rows);
  const d = standardizer.mean.length;
  const x = standardizeRows(rows, standardizer);
  const weightRows = classes === 2 ? 1 : classes;
  const theta = new Float64Array(weightRows * (d + 1));
  if (options.init) {
    if (options.init.weights.length !== weightRows * d || options.init.intercepts.length !== weightRows) {
      throw new AppError('bad_request', 'logistic regression: warm start has the wrong shape');
    }
    theta.set(options.init.weights, 0);
    theta.set(options.init.intercepts, weightRows * d);
  }
  const result = minimizeLbfgs(makeObjective(x, targets, n, d, classes, options.C), theta, options.solver);
  return {
    classes,
    dim: d,
    C: options.C,
    weights: result.x.slice(0, weightRows * d),
    intercepts: result.x.slice(weightRows * d),
    standardizer,
    objective: result.value * n,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** Class probabilities, n rows of `classes` columns (binary: [P(0), P(1)]). */
export function predictProbabilities(model: LogisticModel, rows: readonly Float32Array[]): Float64Array[] {
  const x = standardizeRows(rows, model.standardizer);
  const d = model.dim;
  const weightRows = model.classes === 2 ? 1 : model.classes;
  return rows.map((_, i) => {
    const logits = new Float64Array(weightRows);
    for (let k = 0; k < weightRows; k++) {
      let z = model.intercepts[k] as number;
      for (let j = 0; j < d; j++) z += (model.weights[k * d + j] as number) * (x[i * d + j] as number);
      logits[k] = z;
    }
    if (weightRows === 1) {
      const p = sigmoid(logits[0] as number);
      return Float64Array.of(1 - p, p);
    }
    const top = Math.max(...logits);
    const exp = logits.map((z) => Math.exp(z - top));
    const total = exp.reduce((a, b) => a + b, 0);
    return exp.map((e) => e / total);
  });
}
