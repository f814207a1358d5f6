/** L2 normalisation of float32 rows, in place. Zero rows stay zero (their cosine is 0). */

export function normalizeRowsInPlace(data: Float32Array, dim: number): void {
  if (dim <= 0 || data.length % dim !== 0) throw new RangeError(`normalizeRows: ${data.length} values are not rows of ${dim}`);
  for (let start = 0; start < data.length; start += dim) {
    let sum = 0;
    for (let j = start; j < start + dim; j++) sum += data[j]! * data[j]!;
    if (sum === 0 || !Number.isFinite(sum)) continue;
    const inv = 1 / Math.sqrt(sum);
    for (let j = start; j < start + dim; j++) data[j] = data[j]! * inv;
  }
}

/** A normalised copy of one vector (the query); throws on a zero or non-finite vector. */
export function normalized(vector: Float32Array): Float32Array {
  const out = Float32Array.from(vector);
  let sum = 0;
  for (let j = 0; j < out.length; j++) sum += out[j]! * out[j]!;
  if (!(sum > 0) || !Number.isFinite(sum)) throw new RangeError('normalized: the vector is zero or not finite');
  normalizeRowsInPlace(out, out.length);
  return out;
}
