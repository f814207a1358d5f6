/**
 * The fine-tuning protocol (ConVIRT, "How it is evaluated"): encoder and a linear
 * head trained together on 1%, 10% and 100% of the training labels, early stopping
 * on the validation metric; the same split, subsets, seeds, metric and statistics
 * as the linear probe (cells.ts), so its rows sit beside the probe's. Each
 * (encoder, subset) starts again from the encoder's initial weights. Training is
 * seeded by the protocol seed, not the subset seed, so a subset identical to the
 * previous seed's (100%) is trained once, as the probe fits it once.
 */
import type { GrayImage } from '../../ml/augment/image';
import type { ResNet } from '../../ml/models/resnet';
import { createClassifier } from '../finetune/classifier';
import { FINETUNE_DEFAULTS, fineTune, type EpochLog, type FineTuneExample, type FineTuneOptions } from '../finetune/fine-tune';
import type { Split } from '../splits';
import type { LabelTask, TaskExample } from '../tasks/task';
import { evaluateCells, protocolResult, score, statisticsLine, type CellOptions, type ProbeResult, type SubsetContext } from './cells';

export interface FineTuneEncoder {
  /** Row label in the results. */
  name: string;
  /** Input side in pixels (the checkpoint's training size). */
  imageSize: number;
  /** The studies' images at imageSize (I/O lives with the caller). */
  pixels(keys: readonly string[]): Promise<Map<string, GrayImage[]>>;
  /** A fresh copy of the encoder at its initial weights (checkpoint or random init); the run disposes it. */
  create(): ResNet;
}

export interface FineTuneProtocolOptions extends CellOptions {
  training?: FineTuneOptions;
  onEpoch?: (progress: SubsetContext & { encoder: string; log: EpochLog }) => void;
}

export async function fineTuneProtocol(task: LabelTask, split: Split, encoders: readonly FineTuneEncoder[], options: FineTuneProtocolOptions = {}): Promise<ProbeResult> {
  const training = { ...FINETUNE_DEFAULTS, ...options.training };
  const protocolEncoders = encoders.map((encoder) => ({
    name: encoder.name,
    async prepare(keys: readonly string[]) {
      const pixels = await encoder.pixels(keys);
      const examplesOf = (part: readonly TaskExample[]): FineTuneExample[] => part.map((e) => ({ images: pixels.get(e.key) as GrayImage[], target: e.target }));
      return (train: readonly TaskExample[], val: readonly TaskExample[], test: readonly TaskExample[], context: SubsetContext) => {
        const model = createClassifier(encoder.create(), task.kind, task.classNames.length, training.seed);
        try {
          const outcome = fineTune(
            model,
            { train: examplesOf(train), val: examplesOf(val), test: examplesOf(test) },
            encoder.imageSize,
            (predictions) => score(task, val, predictions).value,
            training,
            (log) => options.onEpoch?.({ ...context, encoder: encoder.name, log }),
          );
          return { predictions: outcome.predictions, bestEpoch: outcome.bestEpoch, epochs: outcome.history.length };
        } finally {
          model.dispose();
        }
      };
    },
  }));
  const evaluated = await evaluateCells(task, split, protocolEncoders, options);
  const sizes = [...new Set(encoders.map((e) => e.imageSize))].join(' / ');
  const line = `fine-tuning (encoder and linear head trained together from each initialisation at ${sizes} px: Adam lr ${training.lr}, weight decay ${training.weightDecay}, batch ${training.batchSize}, mild augmentation, BatchNorm in train mode; early stopping on validation ${evaluated.metric === 'auc' ? 'AUC' : 'accuracy'} with patience ${training.patience}, at most ${training.maxEpochs} epochs, best epoch's weights kept); ${statisticsLine(task, evaluated.fractions, evaluated.seeds)}`;
  return protocolResult('finetune', line, task, split, evaluated, encoders);
}
