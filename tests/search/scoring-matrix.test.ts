/** The wasm SIMD kernel and the JS fallback against a float64 reference, for dims that exercise both the 16-wide loop and the tail. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelModule, ScoringMatrix } from '../../src-main/search/scoring-matrix';
import { fillRandomUnit, mulberry32, randomVector } from './seeded';

test('this runtime has the WebAssembly SIMD kernel (Node 20 and Electron do)', () => {
  assert.ok(kernelModule(), 'WebAssembly SIMD with shared memory is missing');
  assert.equal(new ScoringMatrix(2, 4).backend, 'wasm-simd');
});

for (const backend of ['wasm-simd', 'js'] as const) {
  test(`${backend} scores equal float64 dot products (dims 1, 7, 16, 33, 512)`, () => {
    for (const [seed, dim] of [[1, 1], [2, 7], [3, 16], [4, 33], [5, 512]] as const) {
      const rand = mulberry32(seed);
      const rows = 37;
      const m = new ScoringMatrix(rows, dim, { backend });
      assert.equal(m.backend, backend);
      fillRandomUnit(m.data, dim, rand);
      const q = randomVector(rand, dim);
      const scores = Float32Array.from(m.score(q));
      for (let r = 0; r < rows; r++) {
        let want = 0;
        for (let j = 0; j < dim; j++) want += m.data[r * dim + j]! * q[j]!;
        assert.ok(Math.abs(scores[r]! - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${backend} dim ${dim} row ${r}: ${scores[r]} vs ${want}`);
      }
      // A second query overwrites the returned view; the matrix is untouched.
      const q2 = randomVector(rand, dim);
      const again = m.score(q2);
      let want0 = 0;
      for (let j = 0; j < dim; j++) want0 += m.data[j]! * q2[j]!;
      assert.ok(Math.abs(again[0]! - want0) < 1e-5 * Math.max(1, Math.abs(want0)));
    }
  });
}

test('a query of the wrong dimension is refused with both dimensions named', () => {
  const m = new ScoringMatrix(3, 8);
  assert.throws(() => m.score(new Float32Array(4)), /query has 4 dimensions; the stored embeddings have 8/);
  assert.throws(() => new ScoringMatrix(-1, 8), /whole rows/);
});
