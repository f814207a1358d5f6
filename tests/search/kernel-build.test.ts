/** The committed kernel bytes are what dot-rows.wat compiles to: editing the source without rebuilding fails here. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileKernel, GENERATED_PATH, generatedSource } from '../../src-main/search/kernels/build-kernel';

test('dot-rows-wasm.ts is up to date with dot-rows.wat', async () => {
  const fresh = generatedSource(await compileKernel());
  assert.equal(readFileSync(GENERATED_PATH, 'utf8'), fresh, 'run: node --import tsx src-main/search/kernels/build-kernel.ts');
});
