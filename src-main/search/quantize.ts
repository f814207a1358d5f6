/**
 * Symmetric int8 quantisation of one float32 vector with an error bound, for
 * the prefilter of scoring-matrix.ts. With x^ = scale * x8:
 *   |x.q - x^.q^| <= |x - x^| * |q| + |x^| * |q - q^|     (Cauchy-Schwarz)
 * so each int8 score comes with a rigorous interval around the float score.
 */

export interface Quantized {
  /** x^ = scale * x8 */
  scale: number;
  /** |x - x^| (L2) */
  error: number;
  /** |x^| (L2) */
  norm: number;
}

/** Writes round(x / scale) into `out` (length x.length); scale = max|x| / 127. */
export function quantizeInt8(x: Float32Array, out: Int8Array): Quantized {
  let max = 0;
  for (let j = 0; j < x.length; j++) max = Math.max(max, Math.abs(x[j]!));
  if (max === 0 || !Number.isFinite(max)) {
    out.fill(0);
    let sq = 0;
    for (let j = 0; j < x.length; j++) sq += Number.isFinite(x[j]!) ? x[j]! * x[j]! : Infinity;
    return { scale: 0, error: Math.sqrt(sq), norm: 0 };
  }
  const scale = max / 127;
  const inverse = 127 / max;
  let err = 0;
  let norm = 0;
  for (let j = 0; j < x.length; j++) {
    // |x[j]| <= max, so the rounded value is within [-127, 127].
    const v = Math.round(x[j]! * inverse);
    out[j] = v;
    const back = v * scale;
    const d = x[j]! - back;
    err += d * d;
    norm += back * back;
  }
  return { scale, error: Math.sqrt(err), norm: Math.sqrt(norm) };
}
