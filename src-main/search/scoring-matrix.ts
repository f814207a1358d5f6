/**
 * A contiguous float32 matrix [rows, dim] of L2-normalised rows that scores a
 * query against every row (cosine = dot product). The matrix lives inside a
 * WebAssembly memory so the SIMD kernel (kernels/dot-rows.wat) reads it in
 * place; where WebAssembly SIMD is missing, a 4-way unrolled JS loop scores
 * the same contiguous array.
 */
import { AppError } from '../../src-shared/result';
import { DOT_ROWS_WASM_BASE64 } from './kernels/dot-rows-wasm';
import { wasm, type WasmMemory, type WasmModule } from './kernels/wasm-api';

export type ScoringBackend = 'wasm-simd' | 'js';

const PAGE_BYTES = 65536;
/** wasm32 addresses: matrix + query + scores must fit in 4 GiB. */
const MAX_PAGES = 65536;

type DotRows = (mat: number, query: number, out: number, dim: number, rowStart: number, rowEnd: number) => void;

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
    const totalBytes = this.scoresOffset + rows * 4;
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
