import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImageAugmentConfig } from '../../../src-main/ml/augment/image-augment';
import { AugmentPool } from '../../../src-main/ml/train/augment-pool';
import { epochBatches, makeView, prefetchBatches } from '../../../src-main/ml/train/data';
import { memorySource, tinyPairs } from './tiny';

describe('augmentation pool', () => {
  it('gives exactly the inline views, in order, split across worker threads', async () => {
    const pairs = tinyPairs(10, 48);
    const options = { seed: 3, imageSize: 24, augment: ImageAugmentConfig.parse({}), sampling: 'sentence' as const };
    const pool = new AugmentPool(2);
    try {
      const indices = [4, 1, 7, 0, 9];
      const pooled = await pool.views(indices.map((i) => pairs[i]!), indices, 2, options);
      const inline = indices.map((i) => makeView(pairs[i]!, i, 2, options));
      assert.deepEqual(pooled, inline);

      const batches = epochBatches(pairs.map((_, i) => i), 3, 3, 0);
      const seen: number[][] = [];
      for await (const batch of prefetchBatches(memorySource(pairs), batches, 0, options, pool)) {
        seen.push(batch.indices);
        assert.deepEqual(batch.views, batch.indices.map((i) => makeView(pairs[i]!, i, 0, options)));
      }
      assert.deepEqual(seen, batches);
    } finally {
      await pool.close();
    }
  });
});
