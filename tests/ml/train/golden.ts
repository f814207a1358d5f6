/** Loads tests/fixtures/golden-train/golden.json (made by make_golden.py) and compares arrays. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName } from '../../../src-shared/contract/system';
import { useBackend as activate } from '../../../src-main/ml/backend/select';

export interface LossCase {
  name: string;
  n: number;
  d: number;
  lambda: number;
  tau?: number;
  learnable?: { logInverseTau: number; tauMin: number; tauMax: number; grad: number };
  patients?: string[];
  v: number[];
  u: number[];
  loss: number;
  gradV: number[];
  gradU: number[];
}
export interface AdamCase {
  name: string;
  lr: number;
  weightDecay: number;
  maxNorm: number | null;
  initial: { a: number[]; b: number[] };
  grads: { a: number[]; b: number[] }[];
  after: { a: number[]; b: number[] }[];
  finalExpAvgA: number[];
  finalExpAvgSqA: number[];
}
export interface NtXentCase {
  name: string;
  n: number;
  d: number;
  tau: number;
  z1: number[];
  z2: number[];
  loss: number;
  grad1: number[];
  grad2: number[];
}
export interface Golden {
  loss: LossCase[];
  ntxent: NtXentCase[];
  head: { x: number[]; shapes: Record<string, number[]>; params: Record<string, number[]>; y: number[]; grads: Record<string, number[]> };
  adam: AdamCase[];
}

export const golden = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'golden-train', 'golden.json'), 'utf8')) as Golden;

/** float32 tolerance: |a - e| <= atol + rtol * |e| elementwise. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-4, atol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - (atol + rtol * Math.abs(expected[i]!));
    if (excess > worst) {
      worst = excess;
      worstAt = i;
    }
  }
  assert.ok(worstAt < 0, `${what}: element ${worstAt} is ${actual[worstAt]} but PyTorch gives ${expected[worstAt]}`);
}

/** The backends every golden comparison runs on (wasm with the engine's training kernels). */
export const GOLDEN_BACKENDS: BackendName[] = ['cpu', 'wasm'];

export async function useBackend(name: BackendName): Promise<void> {
  await activate(name);
}
