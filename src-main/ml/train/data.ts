/**
 * The training data pipeline: a source of (image, report, patient) pairs, a
 * validation split by patient, and per-epoch batches whose every random choice
 * (order, image augmentation, sentence) is a pure function of (seed, epoch,
 * sample), so a resumed run sees exactly the batches an uninterrupted one would.
 */
import { AppError } from '../../../src-shared/result';
import type { AugmentPool } from './augment-pool';
import type { GrayImage } from '../augment/image';
import { applyImageAugment, resizeOnly, sampleImageAugment, type ImageAugmentConfig } from '../augment/image-augment';
import { Rng, mixSeed } from '../augment/rng';
import { sampleReportText, type ReportSection, type TextSampling } from '../augment/text-augment';

export interface TrainingPair {
  /** Single channel, values in [0, 1]. */
  image: GrayImage;
  reportText: string;
  /** Report sections (FINDINGS, IMPRESSION, ...) when known; empty otherwise. */
  sections: ReportSection[];
  patientKey: string;
}

/** Random access to the pairs; patient keys without loading images, for the split. */
export interface PairSource {
  readonly size: number;
  patientKey(index: number): string;
  load(index: number): Promise<TrainingPair>;
}

export interface Split {
  train: number[];
  validation: number[];
}

/** Holds out about `fraction` of the patients (never fewer than one when there are two or more). */
export function splitByPatient(source: PairSource, fraction: number, seed: number): Split {
  const byPatient = new Map<string, number[]>();
  for (let i = 0; i < source.size; i++) {
    const key = source.patientKey(i);
    const list = byPatient.get(key);
    if (list) list.push(i);
    else byPatient.set(key, [i]);
  }
  const patients = new Rng(mixSeed(seed, 0x5711)).shuffle([...byPatient.keys()].sort());
  const held = fraction > 0 && patients.length >= 2 ? Math.min(patients.length - 1, Math.max(1, Math.round(fraction * patients.length))) : 0;
  const heldOut = new Set(patients.slice(0, held));
  const train: number[] = [];
  const validation: number[] = [];
  for (let i = 0; i < source.size; i++) (heldOut.has(source.patientKey(i)) ? validation : train).push(i);
  return { train, validation };
}

/**
 * The batches of one epoch, as sample indices: a seeded shuffle cut into full
 * batches (the last partial one is dropped, as torch's drop_last, so every
 * step sees the same number of negatives); one batch of everything when the
 * set is smaller than a batch.
 */
export function epochBatches(train: readonly number[], batchSize: number, seed: number, epoch: number): number[][] {
  if (train.length < 2) throw new AppError('bad_request', `training needs at least 2 pairs, the training split has ${train.length}`);
  const order = new Rng(mixSeed(seed, 0xe90c, epoch)).shuffle(train);
  if (order.length < batchSize) return [order];
  const batches: number[][] = [];
  for (let start = 0; start + batchSize <= order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}

/** Validation batches in a fixed order; a trailing single pair joins the batch before it. */
export function validationBatches(validation: readonly number[], batchSize: number): number[][] {
  const batches: number[][] = [];
  for (let start = 0; start < validation.length; start += batchSize) batches.push(validation.slice(start, start + batchSize));
  if (batches.length > 1 && batches.at(-1)!.length === 1) batches[batches.length - 2]!.push(...batches.pop()!);
  return batches.filter((b) => b.length >= 2);
}

export interface ViewOptions {
  seed: number;
  imageSize: number;
  augment: ImageAugmentConfig;
  sampling: TextSampling;
  /** Also draw a second, independently augmented image view (SimCLR and the hybrid image-image term). */
  secondView?: boolean;
}

export interface PairView {
  /** imageSize x imageSize, single channel. */
  image: Float32Array;
  /** The second view, when ViewOptions.secondView; same size. */
  image2?: Float32Array;
  text: string;
  patientKey: string;
}

/**
 * The augmented views of one pair. Training views draw from (seed, epoch,
 * index); validation views are unaugmented images with a text drawn from
 * (seed, index) only, so the validation loss compares like with like. A
 * second image view draws from its own stream; in validation it is augmented
 * (from (seed, index)), since two unaugmented views would be identical.
 */
export function makeView(pair: TrainingPair, index: number, epoch: number | 'validation', options: ViewOptions): PairView {
  const training = epoch !== 'validation';
  const rng = new Rng(training ? mixSeed(options.seed, 0xa06, epoch, index) : mixSeed(options.seed, 0x7a1, index));
  const { image } = pair;
  if (image.data.length !== image.width * image.height) {
    throw new AppError('bad_request', `pair ${index}: image data has ${image.data.length} values for ${image.width}x${image.height}`);
  }
  const out =
    training && options.augment.enabled
      ? applyImageAugment(image, sampleImageAugment(rng, options.augment, image.width, image.height), options.imageSize)
      : resizeOnly(image, options.imageSize);
  const view: PairView = { image: out.data, text: sampleReportText(rng, pair.reportText, pair.sections, options.sampling), patientKey: pair.patientKey };
  if (options.secondView) {
    const second = new Rng(training ? mixSeed(options.seed, 0x5ec0, epoch, index) : mixSeed(options.seed, 0x5ec1, index));
    view.image2 = options.augment.enabled
      ? applyImageAugment(image, sampleImageAugment(second, options.augment, image.width, image.height), options.imageSize).data
      : resizeOnly(image, options.imageSize).data;
  }
  return view;
}

export interface BatchViews {
  indices: number[];
  views: PairView[];
}

/**
 * Loads and augments batches ahead of the consumer. Inline, one batch ahead.
 * With a pool, two ahead: the loads of batch k + 2 finish (off the main
 * thread, in the image decoder) while step k runs, and a worker augments
 * batch k + 1 meanwhile, so neither waits on the training step.
 */
export async function* prefetchBatches(
  source: PairSource,
  batches: readonly number[][],
  epoch: number | 'validation',
  options: ViewOptions,
  pool: AugmentPool | null = null,
): AsyncGenerator<BatchViews> {
  const prepare = async (indices: number[]): Promise<BatchViews> => {
    const pairs = await Promise.all(indices.map((i) => source.load(i)));
    const views = pool ? await pool.views(pairs, indices, epoch, options) : pairs.map((p, k) => makeView(p, indices[k]!, epoch, options));
    return { indices, views };
  };
  const depth = pool ? 2 : 1;
  const queue: Promise<BatchViews>[] = [];
  let started = 0;
  const fill = () => {
    while (queue.length < depth && started < batches.length) {
      const promise = prepare(batches[started++]!);
      // A consumer that stops early leaves loads in flight: mark them handled.
      promise.catch(() => undefined);
      queue.push(promise);
    }
  };
  fill();
  while (queue.length > 0) {
    const current = await queue.shift()!;
    fill();
    yield current;
  }
}
