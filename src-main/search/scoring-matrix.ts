/**
 * A contiguous float32 matrix [rows, dim] of L2-normalised rows that scores a
 * query against every row (cosine = dot product). The matrix lives inside a
 * WebAssembly memory so the SIMD kernel (kernels/dot-rows.wat) reads it in
 * place; where WebAssembly SIMD is missing, a 4-way unrolled JS loop scores
 * the same contiguous array.
 *
 * scoreBounded() is the fast exact path: an int8 copy of the rows (a quarter
 * of the bytes) gives every row a score interval (quantize.ts); the caller
 * turns the lower ends into the k-th best lower bound L; only rows whose upper
 * end reaches L get their float32 score, the others -Infinity. Every row whose
 * float32 score is >= L is rescored, so the top k equals a full float32 scan.
 */
import { AppError } from '../../src-shared/result';
import { DOT_ROWS_WASM_BASE64 } from './kernels/dot-rows-wasm';
import { wasm, type WasmMemory, type WasmModule } from './kernels/wasm-api';
import { quantizeInt8 } from './quantize';

export type ScoringBackend = 'wasm-simd' | 'js';

const PAGE_BYTES = 65536;
/** wasm32 addresses: matrix + query + scores must fit in 4 GiB. */
const MAX_PAGES = 65536;

type DotRows = (mat: number, query: number, out: number, dim: number, rowStart: number, rowEnd: number) => void;

/**
 * Slack added to every int8 interval: covers float32 rounding of the rescored
 * dot product (<= dim * 2^-24 for unit vectors, 3e-5 at 512-d) and of the
 * stored bounds.
 */
const BOUND_SLACK = 1e-4;

const align16 = (n: number) => Math.ceil(n / 16) * 16;

let cachedModule: WasmModule | null | undefined;

/** The compiled kernel, or null when this runtime lacks WebAssembly SIMD or shared memory. */
export function kernelModule(): WasmModule | null {
  if (cachedModule !== undefined) return cachedModule;
  try {
    const bytes = Buffer.from(DOT_ROWS_WASM_BASE64, 'base64');
    cachedModule = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

export class ScoringMatrix {
  /** Row-major [rows, dim]; fill it (then normalise) before scoring. */
  readonly data: Float32Array;
  readonly backend: ScoringBackend;
  /** The shared memory holding `data`, for worker threads; null on the JS backend. */
  readonly memory: WasmMemory | null;
  readonly queryOffset: number;
  readonly scoresOffset: number;
  private readonly query: Float32Array;
  private readonly scores: Float32Array;
  private readonly dotRows: DotRows | null;
  private readonly dotRowsI8: DotRows | null = null;
  /** The int8 copy: rows [rows, dim], query [dim], int32 sums [rows]; and per-row scale, error, norm. */
  private readonly int8Offset: number;
  private readonly query8Offset: number;
  private readonly sumsOffset: number;
  private readonly data8: Int8Array | null = null;
  private readonly query8: Int8Array | null = null;
  private readonly sums: Int32Array | null = null;
  private readonly rowScale: Float32Array;
  private readonly rowBound: Float32Array;
  private readonly rowNorm8: Float32Array;
  private quantized = false;
  /** Rows rescored in float32 by the last scoreBounded() call (all rows when it fell back to a full scan). */
  lastRescored = 0;

  constructor(
    readonly rows: number,
    readonly dim: number,
    options: { backend?: ScoringBackend } = {},
  ) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(dim) || dim <= 0) {
      throw new AppError('bad_request', `A scoring matrix needs whole rows >= 0 and dim > 0, got ${rows} x ${dim}.`);
    }
    const module = options.backend === 'js' ? null : kernelModule();
    if (options.backend === 'wasm-simd' && !module) {
      throw new AppError('internal', 'This runtime has no WebAssembly SIMD with shared memory.');
    }
    const matrixBytes = rows * dim * 4;
    this.queryOffset = matrixBytes;
    this.scoresOffset = matrixBytes + dim * 4;
    this.int8Offset = align16(this.scoresOffset + rows * 4);
    this.query8Offset = align16(this.int8Offset + rows * dim);
    this.sumsOffset = align16(this.query8Offset + dim);
    const totalBytes = this.sumsOffset + rows * 4;
    this.rowScale = new Float32Array(module ? rows : 0);
    this.rowBound = new Float32Array(module ? rows : 0);
    this.rowNorm8 = new Float32Array(module ? rows : 0);
    if (module) {
      const pages = Math.max(1, Math.ceil(totalBytes / PAGE_BYTES));
      if (pages > MAX_PAGES) {
        throw new AppError('bad_request', `${rows} x ${dim} embeddings need ${totalBytes} bytes; the search kernel holds at most 4 GiB.`);
      }
      this.memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
      const instance = new wasm.Instance(module, { env: { memory: this.memory } });
      this.dotRows = instance.exports.dotRows as DotRows;
      const buffer = this.memory.buffer;
      this.data = new Float32Array(buffer, 0, rows * dim);
      this.query = new Float32Array(buffer, this.queryOffset, dim);
      this.scores = new Float32Array(buffer, this.scoresOffset, rows);
      this.dotRowsI8 = instance.exports.dotRowsI8 as DotRows;
      this.data8 = new Int8Array(buffer, this.int8Offset, rows * dim);
      this.query8 = new Int8Array(buffer, this.query8Offset, dim);
      this.sums = new Int32Array(buffer, this.sumsOffset, rows);
      this.backend = 'wasm-simd';
    } else {
      this.memory = null;
      this.dotRows = null;
      this.data = new Float32Array(rows * dim);
      this.query = new Float32Array(dim);
      this.scores = new Float32Array(rows);
      this.backend = 'js';
    }
  }

  /**
   * Dot product of `query` [dim] with every row. Returns a view that the next
   * call overwrites: copy it to keep it.
   */
  score(query: Float32Array): Float32Array {
    if (query.length !== this.dim) {
      throw new AppError('bad_request', `The query has ${query.length} dimensions; the stored embeddings have ${this.dim}.`);
    }
    this.query.set(query);
    if (this.dotRows) this.dotRows(0, this.queryOffset, this.scoresOffset, this.dim, 0, this.rows);
    else dotRowsJs(this.data, this.query, this.scores, this.dim, 0, this.rows);
    return this.scores;
  }

  /**
   * Builds the int8 copy from `data` (filled and normalised); call again after
   * changing `data`. A no-op on the JS backend, where scoreBounded() scans fully.
   */
  prepareQuantized(): void {
    if (!this.data8) return;
    for (let r = 0; r < this.rows; r++) {
      const q = quantizeInt8(this.row(r), this.data8.subarray(r * this.dim, (r + 1) * this.dim));
      this.rowScale[r] = q.scale;
      this.rowBound[r] = q.error;
      this.rowNorm8[r] = q.norm;
    }
    this.quantized = true;
  }

  /**
   * Exact scores for every row that can reach the top, -Infinity for the rest.
   * `query` must be L2-normalised. `kthLowerBound` receives one lower bound per
   * row (a view; do not keep it) and returns the k-th best lower bound of what
   * the caller ranks (rows or studies, after its filters), or -Infinity when
   * fewer than k candidates exist. Returns a view the next call overwrites.
   */
  scoreBounded(query: Float32Array, kthLowerBound: (lower: Float32Array) => number): Float32Array {
    if (!this.quantized || !this.dotRowsI8 || !this.dotRows) {
      this.lastRescored = this.rows;
      return this.score(query);
    }
    if (query.length !== this.dim) {
      throw new AppError('bad_request', `The query has ${query.length} dimensions; the stored embeddings have ${this.dim}.`);
    }
    this.query.set(query);
    const q = quantizeInt8(this.query, this.query8!);
    this.dotRowsI8(this.int8Offset, this.query8Offset, this.sumsOffset, this.dim, 0, this.rows);
    const sums = this.sums!;
    const scores = this.scores;
    const rowScale = this.rowScale;
    const rowBound = this.rowBound;
    const rowNorm8 = this.rowNorm8;
    const qScale = q.scale;
    const qError = q.error;
    // Pass 1: lower ends into `scores`; also the widest interval, for a cheap reject in pass 2.
    let widest = 0;
    for (let r = 0; r < this.rows; r++) {
      const bound = rowBound[r]! + rowNorm8[r]! * qError + BOUND_SLACK;
      if (bound > widest) widest = bound;
      scores[r] = sums[r]! * rowScale[r]! * qScale - bound;
    }
    const threshold = kthLowerBound(scores);
    // Pass 2: rows whose upper end (lower + 2 * bound) reaches the threshold get their float32 score.
    const reject = threshold - 2 * widest;
    let rescored = 0;
    for (let r = 0; r < this.rows; r++) {
      const lower = scores[r]!;
      if (lower < reject || lower + 2 * (rowBound[r]! + rowNorm8[r]! * qError + BOUND_SLACK) < threshold) {
        scores[r] = -Infinity;
        continue;
      }
      this.dotRows(0, this.queryOffset, this.scoresOffset + r * 4, this.dim, r, r + 1);
      rescored++;
    }
    this.lastRescored = rescored;
    return scores;
  }

  /** One row as a view (no copy). */
  row(index: number): Float32Array {
    return this.data.subarray(index * this.dim, (index + 1) * this.dim);
  }
}

/** out[r - rowStart] = dot(mat[r], query); four accumulators, like the wasm kernel. */
export function dotRowsJs(mat: Float32Array, query: Float32Array, out: Float32Array, dim: number, rowStart: number, rowEnd: number): void {
  const end4 = dim - (dim % 4);
  for (let r = rowStart, p = rowStart * dim; r < rowEnd; r++) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let j = 0;
    for (; j < end4; j += 4, p += 4) {
      a0 += mat[p]! * query[j]!;
      a1 += mat[p + 1]! * query[j + 1]!;
      a2 += mat[p + 2]! * query[j + 2]!;
      a3 += mat[p + 3]! * query[j + 3]!;
    }
    for (; j < dim; j++, p++) a0 += mat[p]! * query[j]!;
    out[r - rowStart] = a0 + a1 + a2 + a3;
  }
}
