/**
 * Partial top-k selection over a score array: O(n log k) with a k-sized
 * min-heap instead of sorting all n scores. Order: score descending, ties by
 * lower index first, so the result equals a stable sort of (score desc, index asc).
 * NaN scores are never selected.
 */

export interface TopK {
  /** Positions into the scored array, best first; length min(k, eligible). */
  readonly indices: Int32Array;
  readonly scores: Float32Array;
}

/** `a` ranks worse than `b`: lower score, or equal score and higher index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/**
 * @param scores one score per candidate
 * @param k how many to keep (>= 0)
 * @param allowed optional mask: candidate i is eligible only when allowed[i] !== 0
 */
export function topK(scores: ArrayLike<number>, k: number, allowed?: Uint8Array): TopK {
  const n = scores.length;
  if (allowed && allowed.length !== n) throw new RangeError(`topK: mask length ${allowed.length} != ${n} scores`);
  const cap = Math.max(0, Math.min(Math.floor(k), n));
  const heapScore = new Float64Array(cap);
  const heapIndex = new Int32Array(cap);
  let size = 0;
  // Root = worst kept candidate; a candidate enters only if it beats the root.
  let rootScore = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s < rootScore || s !== s) continue;
    if (allowed && allowed[i] === 0) continue;
    if (size < cap) {
      let pos = size++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!worse(s, i, heapScore[parent]!, heapIndex[parent]!)) break;
        heapScore[pos] = heapScore[parent]!;
        heapIndex[pos] = heapIndex[parent]!;
        pos = parent;
      }
      heapScore[pos] = s;
      heapIndex[pos] = i;
      if (size === cap) rootScore = heapScore[0]!;
      continue;
    }
    if (cap === 0 || !worse(heapScore[0]!, heapIndex[0]!, s, i)) continue;
    siftDownFromRoot(heapScore, heapIndex, size, s, i);
    rootScore = heapScore[0]!;
  }
  return drain(heapScore, heapIndex, size);
}

function siftDownFromRoot(heapScore: Float64Array, heapIndex: Int32Array, size: number, s: number, i: number): void {
  let pos = 0;
  for (;;) {
    const left = 2 * pos + 1;
    if (left >= size) break;
    const right = left + 1;
    let child = left;
    if (right < size && worse(heapScore[right]!, heapIndex[right]!, heapScore[left]!, heapIndex[left]!)) child = right;
    if (!worse(heapScore[child]!, heapIndex[child]!, s, i)) break;
    heapScore[pos] = heapScore[child]!;
    heapIndex[pos] = heapIndex[child]!;
    pos = child;
  }
  heapScore[pos] = s;
  heapIndex[pos] = i;
}

/** Pops the heap worst-first into the tail of the output, so the output is best-first. */
function drain(heapScore: Float64Array, heapIndex: Int32Array, size: number): TopK {
  const indices = new Int32Array(size);
  const scores = new Float32Array(size);
  for (let n = size; n > 0; n--) {
    indices[n - 1] = heapIndex[0]!;
    scores[n - 1] = heapScore[0]!;
    const lastScore = heapScore[n - 1]!;
    const lastIndex = heapIndex[n - 1]!;
    if (n > 1) siftDownFromRoot(heapScore, heapIndex, n - 1, lastScore, lastIndex);
  }
  return { indices, scores };
}
