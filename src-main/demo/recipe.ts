/**
 * The demo's training recipe: the CPU preset with what lets encoders trained
 * from scratch leave the log N plateau within minutes (BatchNorm in the
 * projection heads, a learning rate of 1e-3, the whole report as the text),
 * and a fixed number of epochs so the demo's time is predictable.
 */
import { presetConfig, type TrainConfig } from '../ml/train/config';

export const DEMO_EPOCHS = 8;

export function demoTrainConfig(options: { epochs?: number; seed?: number; overrides?: Record<string, unknown> } = {}): TrainConfig {
  return presetConfig('cpu-small', {
    preset: 'demo',
    seed: options.seed ?? 0,
    heads: { hiddenDim: 128, outputDim: 128, batchNorm: true },
    text: { sampling: 'report' },
    optimizer: { lr: 1e-3, weightDecay: 1e-6 },
    epochs: options.epochs ?? DEMO_EPOCHS,
    // The demo runs its epochs: early stopping on a few dozen validation pairs is noise.
    earlyStopping: { patience: 1000, minEpochs: 0 },
    ...options.overrides,
  });
}
