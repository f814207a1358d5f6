/** Typed configuration of the image encoder (torchvision ResNet family). */
import { z } from 'zod';

export const ResNetConfig = z
  .object({
    depth: z.union([z.literal(18), z.literal(34), z.literal(50)]),
    /** Scales every channel count (64, 128, 256, 512): 0.25 gives a CPU-sized model. */
    widthMultiplier: z.number().positive().max(4).default(1),
    /** 1 for radiographs; 3-channel weights are folded on load (see weights/state-dict.ts). */
    inputChannels: z.number().int().positive().default(1),
    /** PyTorch's BatchNorm momentum: running = (1 - m) * running + m * batch. */
    bnMomentum: z.number().min(0).max(1).default(0.1),
    bnEps: z.number().positive().default(1e-5),
  })
  .strict();
export type ResNetConfig = z.infer<typeof ResNetConfig>;
export type ResNetConfigInput = z.input<typeof ResNetConfig>;

export interface StageLayout {
  block: 'basic' | 'bottleneck';
  expansion: number;
  blocksPerStage: [number, number, number, number];
}

export function stageLayout(depth: ResNetConfig['depth']): StageLayout {
  switch (depth) {
    case 18:
      return { block: 'basic', expansion: 1, blocksPerStage: [2, 2, 2, 2] };
    case 34:
      return { block: 'basic', expansion: 1, blocksPerStage: [3, 4, 6, 3] };
    case 50:
      return { block: 'bottleneck', expansion: 4, blocksPerStage: [3, 4, 6, 3] };
  }
}

/** A channel count scaled by the width multiplier, at least 1. */
export function scaledWidth(base: number, multiplier: number): number {
  return Math.max(1, Math.round(base * multiplier));
}

/** Size of the pooled feature vector: 512 (or 2048 for ResNet-50) times the multiplier. */
export function resnetFeatures(config: ResNetConfig): number {
  return scaledWidth(512, config.widthMultiplier) * stageLayout(config.depth).expansion;
}
