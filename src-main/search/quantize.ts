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
  let err = 0;
  let norm = 0;
  for (let j = 0; j < x.length; j++) {
    const v = Math.max(-127, Math.min(127, Math.round(x[j]! / scale)));
    out[j] = v;
    const back = v * scale;
    err += (x[j]! - back) ** 2;
    norm += back * back;
  }
  return { scale, error: Math.sqrt(err), norm: Math.sqrt(norm) };
}
