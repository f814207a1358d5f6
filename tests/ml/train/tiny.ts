/**
 * Tiny synthetic ConVIRT data for trainer tests: images with a bright blob on
 * the left or right, top or bottom, and reports that say where it is, so the
 * loss has something to learn in a few steps. Several images share a patient.
 */
import { Rng } from '../../../src-main/ml/augment/rng';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../../../src-main/ml/train/config';
import type { PairSource, TrainingPair } from '../../../src-main/ml/train/data';
import type { BatchTokenizer } from '../../../src-main/ml/train/trainer';

const SIDES = ['left', 'right'] as const;
const LEVELS = ['upper', 'lower'] as const;

export function tinyPairs(count: number, size = 40, seed = 1): TrainingPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const side = SIDES[i % 2]!;
    const level = LEVELS[Math.floor(i / 2) % 2]!;
    const data = new Float32Array(size * size);
    const cx = (side === 'left' ? 0.3 : 0.7) * size + rng.uniform(-2, 2);
    const cy = (level === 'upper' ? 0.3 : 0.7) * size + rng.uniform(-2, 2);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) data[y * size + x] = Math.min(1, 0.2 + 0.1 * rng.next() + 0.7 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 30));
    }
    const findings = `There is an opacity in the ${level} ${side} lung. The heart size is normal. No pleural effusion is seen.`;
    const impression = `Focal ${side} ${level} zone opacity.`;
    return {
      image: { data, width: size, height: size },
      reportText: `FINDINGS: ${findings}\nIMPRESSION: ${impression}`,
      sections: [
        { name: 'FINDINGS', text: findings },
        { name: 'IMPRESSION', text: impression },
      ],
      patientKey: `patient-${Math.floor(i / 3)}`,
    };
  });
}

export function memorySource(pairs: TrainingPair[]): PairSource {
  return { size: pairs.length, patientKey: (i) => pairs[i]!.patientKey, load: async (i) => pairs[i]! };
}

/** Word-level tokenizer over a fixed vocabulary: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3, then words. */
export function wordTokenizer(texts: string[]): BatchTokenizer & { vocabSize: number } {
  const words = [...new Set(texts.flatMap((t) => t.toLowerCase().match(/[a-z]+/g) ?? []))].sort();
  const index = new Map(words.map((w, i) => [w, i + 4]));
  return {
    vocabSize: words.length + 4,
    encodeBatch(batch, maxTokens) {
      const ids = new Int32Array(batch.length * maxTokens);
      const mask = new Int32Array(batch.length * maxTokens);
      batch.forEach((text, row) => {
        const tokens = [2, ...(text.toLowerCase().match(/[a-z]+/g) ?? []).map((w) => index.get(w) ?? 1)].slice(0, maxTokens - 1);
        tokens.push(3);
        tokens.forEach((id, k) => {
          ids[row * maxTokens + k] = id;
          mask[row * maxTokens + k] = 1;
        });
      });
      return { ids, mask };
    },
  };
}

export function tinyConfig(overrides: Partial<TrainConfigInput> = {}): TrainConfig {
  return parseTrainConfig({
    preset: 'test-tiny',
    seed: 7,
    image: { encoder: { depth: 18, widthMultiplier: 1 / 16 }, size: 16 },
    text: { vocabSize: 40, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxTokens: 16, dropout: 0.1 },
    heads: { hiddenDim: 16, outputDim: 8 },
    loss: { lambda: 0.75, tau: 0.1 },
    optimizer: { lr: 1e-3, weightDecay: 1e-6 },
    batchSize: 4,
    epochs: 2,
    validation: { fraction: 0.25 },
    ...overrides,
  });
}
