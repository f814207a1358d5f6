/**
 * Limited-memory BFGS for smooth unconstrained minimisation (Nocedal & Wright,
 * algorithms 7.4 and 3.5/3.6: two-loop recursion, strong Wolfe line search with
 * bracketing and cubic-safeguarded bisection). Deterministic: no randomness, fixed
 * arithmetic order, so the same inputs give the same iterates. Pure.
 */

/** Writes the gradient at x into grad and returns the objective value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when max |gradient| <= gradientTolerance. */
  gradientTolerance?: number;
  /**
   * Stop when the relative decrease of f in an iteration is at most this (scipy's
   * factr * eps role). 0 by default: stop on the gradient only, because a decrease
   * test stops flat problems (weak L2, nearly separable data) far from the optimum.
   */
  relativeDecreaseTolerance?: number;
  maxIterations?: number;
  /** Correction pairs kept; 10 by default (scipy uses 10 too). */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why it stopped. */
  reason: 'gradient' | 'decrease' | 'max-iterations' | 'line-search';
  gradientMax: number;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** Minimiser of the cubic through (a, fa, ga) and (b, fb, gb), kept inside the middle of [a, b]. */
function interpolate(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    const t = b - (b - a) * ((gb + d2 - d1) / (gb - ga + 2 * d2));
    if (Number.isFinite(t) && t > lo + 0.1 * (hi - lo) && t < hi - 0.1 * (hi - lo)) return t;
  }
  return (a + b) / 2;
}

interface LineSearchState {
  step: number;
  value: number;
  evaluations: number;
  ok: boolean;
}

/** Strong Wolfe line search along direction d from x (value f0, slope g0 = grad·d < 0). Leaves the accepted point in xNew / gradNew. */
function lineSearch(
  objective: Objective,
  x: Float64Array,
  d: Float64Array,
  f0: number,
  g0: number,
  initialStep: number,
  xNew: Float64Array,
  gradNew: Float64Array,
): LineSearchState {
  let evaluations = 0;
  const evaluate = (step: number): [number, number] => {
    for (let i = 0; i < x.length; i++) xNew[i] = (x[i] as number) + step * (d[i] as number);
    evaluations++;
    const f = objective(xNew, gradNew);
    return [f, dot(gradNew, d)];
  };
  const zoom = (lo: number, flo: number, glo: number, hi: number, fhi: number, ghi: number): LineSearchState => {
    for (let k = 0; k < 40; k++) {
      const step = interpolate(lo, flo, glo, hi, fhi, ghi);
      const [f, g] = evaluate(step);
      if (f > f0 + C1 * step * g0 || f >= flo) {
        hi = step;
        fhi = f;
        ghi = g;
      } else {
        if (Math.abs(g) <= -C2 * g0) return { step, value: f, evaluations, ok: true };
        if (g * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          ghi = glo;
        }
        lo = step;
        flo = f;
        glo = g;
      }
      if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Fall back to the best point with sufficient decrease, if any.
    if (lo > 0) {
      const [f] = evaluate(lo);
      return { step: lo, value: f, evaluations, ok: f < f0 };
    }
    return { step: 0, value: f0, evaluations, ok: false };
  };

  let previous = 0;
  let fPrevious = f0;
  let gPrevious = g0;
  let step = initialStep;
  for (let k = 0; k < 40; k++) {
    const [f, g] = evaluate(step);
    if (!Number.isFinite(f) || f > f0 + C1 * step * g0 || (k > 0 && f >= fPrevious)) {
      return zoom(previous, fPrevious, gPrevious, step, f, g);
    }
    if (Math.abs(g) <= -C2 * g0) return { step, value: f, evaluations, ok: true };
    if (g >= 0) return zoom(step, f, g, previous, fPrevious, gPrevious);
    previous = step;
    fPrevious = f;
    gPrevious = g;
    step *= 2;
  }
  return { step: previous, value: fPrevious, evaluations, ok: false };
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const decreaseTolerance = options.relativeDecreaseTolerance ?? 0;
  const maxIterations = options.maxIterations ?? 1000;
  const memory = options.memory ?? 10;
  const n = x0.length;

  let x = Float64Array.from(x0);
  let grad = new Float64Array(n);
  let value = objective(x, grad);
  let evaluations = 1;
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gradNew = new Float64Array(n);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const gradientMax = maxAbs(grad);
    if (gradientMax <= gradientTolerance) return { x, value, iterations: iteration, evaluations, converged: true, reason: 'gradient', gradientMax };

    // Two-loop recursion: direction = -H grad.
    for (let i = 0; i < n; i++) direction[i] = -(grad[i] as number);
    for (let j = sList.length - 1; j >= 0; j--) {
      const a = (rho[j] as number) * dot(sList[j] as Float64Array, direction);
      alpha[j] = a;
      const y = yList[j] as Float64Array;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) - a * (y[i] as number);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = dot(sList[last] as Float64Array, yList[last] as Float64Array) / dot(yList[last] as Float64Array, yList[last] as Float64Array);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
    }
    for (let j = 0; j < sList.length; j++) {
      const b = (rho[j] as number) * dot(yList[j] as Float64Array, direction);
      const s = sList[j] as Float64Array;
      const coefficient = (alpha[j] as number) - b;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) + coefficient * (s[i] as number);
    }
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(grad[i] as number);
      slope = dot(grad, direction);
    }
    const initialStep = sList.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const search = lineSearch(objective, x, direction, value, slope, initialStep, xNew, gradNew);
    evaluations += search.evaluations;
    if (!search.ok) {
      // No step decreases f in floating point: at the optimum to machine precision when the
      // gradient is already small, otherwise a genuine failure.
      const converged = gradientMax <= Math.sqrt(gradientTolerance);
      return { x, value, iterations: iteration, evaluations, converged, reason: 'line-search', gradientMax };
    }

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gradNew[i] as number) - (grad[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * dot(y, y)) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
    }
    const previousValue = value;
    [x, xNew] = [xNew, x];
    [grad, gradNew] = [gradNew, grad];
    value = search.value;
    if (decreaseTolerance > 0 && (previousValue - value) / Math.max(Math.abs(previousValue), Math.abs(value), 1) <= decreaseTolerance) {
      return { x, value, iterations: iteration + 1, evaluations, converged: true, reason: 'decrease', gradientMax: maxAbs(grad) };
    }
  }
  return { x, value, iterations: maxIterations, evaluations, converged: false, reason: 'max-iterations', gradientMax: maxAbs(grad) };
}
