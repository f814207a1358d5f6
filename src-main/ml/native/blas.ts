/**
 * Loads the engine's native kernels (convirt-blas.c over OpenBLAS, built by
 * build-native.mjs) when they are present, and says why not otherwise; the
 * wasm backend then keeps its own kernels. CONVIRT_NATIVE_KERNELS=0 turns them
 * off (benchmarks compare both), CONVIRT_BLAS_THREADS sets OpenBLAS's threads.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';

/** Which product conv computes (the C enum Pass). */
export const ConvPass = { Forward: 0, BackpropFilter: 1, BackpropInput: 2 } as const;
export type ConvPass = (typeof ConvPass)[keyof typeof ConvPass];

export interface NativeBlas {
  /**
   * Per batch i: c[i] [m, n] = op(a[i]) . op(b[i]), row-major, op a transpose
   * when asked; an operand with one matrix (aBatches or bBatches 1) is shared.
   */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, batch: number, m: number, n: number, k: number, transA: number, transB: number, aBatches: number, bBatches: number): void;
  /**
   * NHWC convolution with filter [KH, KW, Ci, Co]: Forward (x, W) -> y,
   * BackpropFilter (x, dy) -> dW, BackpropInput (dy, W) -> dx. geometry:
   * [n, h, w, ci, oh, ow, co, kh, kw, sh, sw, padTop, padLeft, dilationH, dilationW].
   */
  conv(pass: ConvPass, a: Float32Array, b: Float32Array, out: Float32Array, geometry: Int32Array): void;
  /** Returns the thread count OpenBLAS now uses. */
  setThreads(count: number): number;
}

export interface NativeStatus {
  blas: NativeBlas | null;
  /** What was loaded, with its thread count, or why nothing was. */
  note: string;
}

const FILE = 'convirt-blas.node';

/** Beside this bundle (a packaged app), else the repository's .cache/native (build-native.mjs). */
function candidates(): string[] {
  const found = [join(__dirname, FILE)];
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      found.push(join(dir, '.cache', 'native', FILE));
      break;
    }
  }
  return found;
}

/**
 * $CONVIRT_BLAS_THREADS, else half the cores (at most 4): the augmentation
 * workers take the others while a step runs, and OpenBLAS threads that wait
 * spin, so on 2 shared cores a second one slows the step down.
 */
export function blasThreads(env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.CONVIRT_BLAS_THREADS);
  return Number.isInteger(forced) && forced > 0 ? forced : Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
}

let status: NativeStatus | null = null;

export function loadNativeBlas(env: NodeJS.ProcessEnv = process.env): NativeStatus {
  if (status) return status;
  if (env.CONVIRT_NATIVE_KERNELS === '0') return (status = { blas: null, note: 'native kernels off (CONVIRT_NATIVE_KERNELS=0)' });
  const path = candidates().find((p) => existsSync(p));
  if (!path) return (status = { blas: null, note: `native kernels not built (node src-main/ml/native/build-native.mjs writes ${FILE})` });
  try {
    const blas = require(path) as NativeBlas;
    const threads = blas.setThreads(blasThreads(env));
    status = { blas, note: `matrix products and convolutions on OpenBLAS (${threads} thread${threads === 1 ? '' : 's'})` };
  } catch (error) {
    status = { blas: null, note: `native kernels failed to load: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
  return status;
}
