import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flattenConfig, formatLoss, formatSeconds } from '../../src-renderer/components/train/format';

describe('Train screen formats', () => {
  it('flattens a nested config into dotted paths with JSON values, for the side-by-side diff', () => {
    const flat = flattenConfig({ epochs: 8, loss: { tau: 0.1, learnableTau: false }, image: { augment: { cropScale: [0.6, 1] } }, weights: null });
    assert.deepEqual([...flat.entries()], [
      ['epochs', '8'],
      ['loss.tau', '0.1'],
      ['loss.learnableTau', 'false'],
      ['image.augment.cropScale', '[0.6,1]'],
      ['weights', 'null'],
    ]);
  });

  it('formats ETAs and losses', () => {
    assert.equal(formatSeconds(42.4), '42 s');
    assert.equal(formatSeconds(75), '1 min 15 s');
    assert.equal(formatSeconds(4000), '1 h 7 min');
    assert.equal(formatSeconds(-3), '0 s');
    assert.equal(formatLoss(null), '–');
    assert.equal(formatLoss(1.23456), '1.2346');
  });
});
