/**
 * Early stopping on the validation metric (AUC or accuracy, higher is better),
 * ties broken by the lower validation loss; an epoch whose metric is undefined
 * (a validation set with one class) is compared on the loss alone. Training stops
 * after `patience` epochs without a better epoch, or at the epoch cap. Pure.
 */

export interface EpochScore {
  /** 1-based. */
  epoch: number;
  /** Validation metric; null where undefined. */
  metric: number | null;
  loss: number;
}

export interface EarlyStoppingState {
  best: EpochScore | null;
  /** Epochs since the best one. */
  stale: number;
}

export const INITIAL_EARLY_STOPPING: EarlyStoppingState = { best: null, stale: 0 };

/** Whether `candidate` beats `best` on validation. */
export function isBetter(candidate: EpochScore, best: EpochScore | null): boolean {
  if (!best) return true;
  if (candidate.metric !== null && best.metric !== null && candidate.metric !== best.metric) return candidate.metric > best.metric;
  if (candidate.metric !== null && best.metric === null) return true;
  if (candidate.metric === null && best.metric !== null) return false;
  return candidate.loss < best.loss;
}

/** The state after one more epoch, whether it is the new best, and whether to stop now. */
export function afterEpoch(state: EarlyStoppingState, score: EpochScore, options: { patience: number; maxEpochs: number }): { state: EarlyStoppingState; improved: boolean; stop: boolean } {
  const improved = isBetter(score, state.best);
  const next = improved ? { best: score, stale: 0 } : { best: state.best, stale: state.stale + 1 };
  return { state: next, improved, stop: next.stale >= options.patience || score.epoch >= options.maxEpochs };
}
