/** topK against a full sort (score desc, index asc) on random data with many ties, masks and edge sizes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topK } from '../../src-main/search/top-k';
import { mulberry32 } from './seeded';

function reference(scores: ArrayLike<number>, k: number, allowed?: Uint8Array): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).filter((i) => (!allowed || allowed[i]) && !Number.isNaN(scores[i]));
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, Math.max(0, k));
}

test('topK equals the sorted reference for 300 seeds, with ties, masks and k from 0 to past n', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const rand = mulberry32(seed);
    const n = Math.floor(rand() * 400);
    // A few distinct levels force many ties; some seeds use continuous scores.
    const levels = seed % 3 === 0 ? 0 : 1 + Math.floor(rand() * 6);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) scores[i] = levels ? Math.floor(rand() * levels) / levels - 0.5 : rand() * 2 - 1;
    const mask = seed % 2 === 0 ? Uint8Array.from({ length: n }, () => (rand() < 0.6 ? 1 : 0)) : undefined;
    for (const k of [0, 1, 2, 10, Math.floor(n / 2), n, n + 5]) {
      const got = topK(scores, k, mask);
      const want = reference(scores, k, mask);
      assert.deepEqual([...got.indices], want, `seed ${seed} n ${n} k ${k}`);
      assert.deepEqual([...got.scores], want.map((i) => scores[i]));
    }
  }
});

test('topK skips NaN, keeps -Infinity last, and rejects a mask of the wrong length', () => {
  const scores = [0.5, Number.NaN, -Infinity, 0.5, 0.9];
  assert.deepEqual([...topK(scores, 5).indices], [4, 0, 3, 2]);
  assert.deepEqual([...topK(scores, 2).indices], [4, 0]);
  assert.throws(() => topK(scores, 2, new Uint8Array(3)), /mask length 3 != 5/);
});
