/**
 * Early stopping on a noisy small validation set: a smoothed criterion and a
 * minimum number of epochs keep a run that is still improving from stopping
 * at its first unlucky epoch, and still stop a real plateau.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTrainConfig } from '../../../src-main/ml/train/config';
import { afterValidation, type StoppingState } from '../../../src-main/ml/train/early-stopping';
import { tinyConfig } from './tiny';

type Rule = ReturnType<typeof tinyConfig>['earlyStopping'];

/** Epochs run before the rule stops (all of them when it never does), and the epoch of the best raw loss. */
function run(losses: readonly number[], rule: Rule): { epochs: number; best: number } {
  let state: StoppingState = { bestValLoss: null, smoothedValLoss: null, bestSmoothedValLoss: null, epochsWithoutImprovement: 0 };
  let best = -1;
  for (let e = 0; e < losses.length; e++) {
    const decision = afterValidation(state, losses[e]!, e + 1, rule);
    state = decision.state;
    if (decision.improved) best = e;
    if (decision.stop) return { epochs: e + 1, best };
  }
  return { epochs: losses.length, best };
}

// A loss still falling by about 0.02 an epoch under +-0.03 of noise, then flat.
const IMPROVING = [2.3, 2.26, 2.29, 2.27, 2.22, 2.25, 2.24, 2.18, 2.2, 2.15];
const PLATEAU = [2.3, 2.31, 2.32, 2.3, 2.33, 2.31, 2.32, 2.34];

describe('early stopping', () => {
  const rule = (r: Partial<Rule>): Rule => ({ patience: 2, minDelta: 0, minEpochs: 0, smoothing: 0, ...r });

  it('the raw criterion stops at the first noisy plateau of a run that is still improving', () => {
    // 2.26 is the best at epoch 1; 2.29 and 2.27 are two epochs without improvement.
    assert.deepEqual(run(IMPROVING, rule({})), { epochs: 4, best: 1 });
  });

  it('a smoothed criterion (a = 0.6) runs through the noise and keeps the best raw epoch', () => {
    assert.deepEqual(run(IMPROVING, rule({ smoothing: 0.6 })), { epochs: IMPROVING.length, best: 9 });
  });

  it('a smoothed criterion still stops a real plateau', () => {
    const losses = [...IMPROVING, ...PLATEAU];
    const { epochs, best } = run(losses, rule({ smoothing: 0.6 }));
    assert.ok(epochs > IMPROVING.length && epochs < losses.length, `stopped after ${epochs} epochs`);
    assert.equal(best, 9);
  });

  it('minEpochs holds off a stop that patience alone would make', () => {
    const flat = Array.from({ length: 12 }, () => 2.3);
    assert.equal(run(flat, rule({ patience: 1 })).epochs, 2);
    assert.equal(run(flat, rule({ patience: 1, minEpochs: 6 })).epochs, 6);
  });

  it('smoothing 0 is the plain rule; a missing validation loss changes nothing', () => {
    const start: StoppingState = { bestValLoss: 2, smoothedValLoss: 2, bestSmoothedValLoss: 2, epochsWithoutImprovement: 1 };
    const decision = afterValidation(start, null, 3, rule({}));
    assert.deepEqual(decision, { state: start, improved: false, stop: false });
    assert.equal(afterValidation(start, 1.9, 3, rule({})).state.smoothedValLoss, 1.9);
  });

  it('the config states smoothing and rejects 1 (a loss that never moves)', () => {
    assert.equal(tinyConfig().earlyStopping.smoothing, 0);
    assert.throws(() => parseTrainConfig({ ...tinyConfig(), earlyStopping: { patience: 2, smoothing: 1 } }), /earlyStopping\.smoothing/);
  });
});
