/**
 * Early stopping on the validation loss. On a few dozen validation pairs the
 * loss of one epoch is noisy: a single unlucky epoch must not end a run that
 * is still improving. Two guards (config.earlyStopping): no stop before
 * minEpochs, and patience counted on an exponential moving average of the
 * loss (smoothing a: s_e = a s_(e-1) + (1 - a) loss_e, s_0 = loss_0). The
 * best checkpoint is still chosen by the raw loss. Pure: the trainer keeps
 * the state in its progress.json so a resumed run decides the same way.
 */
import type { TrainConfig } from './config';

export interface StoppingState {
  /** Lowest raw validation loss so far (picks the best checkpoint). */
  bestValLoss: number | null;
  /** Moving average after the last epoch, and its lowest value. */
  smoothedValLoss: number | null;
  bestSmoothedValLoss: number | null;
  epochsWithoutImprovement: number;
}

export interface StoppingDecision {
  state: StoppingState;
  /** The raw loss beat the best by minDelta: this epoch's checkpoint is the best. */
  improved: boolean;
  /** Stop after this epoch (`epochsDone` counts it). */
  stop: boolean;
}

export function afterValidation(state: StoppingState, valLoss: number | null, epochsDone: number, rule: TrainConfig['earlyStopping']): StoppingDecision {
  if (valLoss === null) return { state, improved: false, stop: false };
  const improved = state.bestValLoss === null || valLoss < state.bestValLoss - rule.minDelta;
  const smoothed = state.smoothedValLoss === null ? valLoss : rule.smoothing * state.smoothedValLoss + (1 - rule.smoothing) * valLoss;
  const smoothedImproved = state.bestSmoothedValLoss === null || smoothed < state.bestSmoothedValLoss - rule.minDelta;
  const next: StoppingState = {
    bestValLoss: improved ? valLoss : state.bestValLoss,
    smoothedValLoss: smoothed,
    bestSmoothedValLoss: smoothedImproved ? smoothed : state.bestSmoothedValLoss,
    epochsWithoutImprovement: smoothedImproved ? 0 : state.epochsWithoutImprovement + 1,
  };
  const stop = next.epochsWithoutImprovement >= rule.patience && epochsDone >= rule.minEpochs;
  return { state: next, improved, stop };
}
