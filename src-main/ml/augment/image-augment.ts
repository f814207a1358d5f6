/**
 * The paper's image augmentation t_v (CONVIRT.md step 5) as two pure steps:
 * draw the parameters from a seeded Rng, then apply them. Order as the
 * torchvision pipeline: random resized crop -> horizontal flip -> random
 * affine -> brightness/contrast -> Gaussian blur.
 */
import { z } from 'zod';
import { affine, brightnessContrast, cropResize, flipHorizontal, gaussianBlur, type Box, type GrayImage } from './image';
import type { Rng } from './rng';

const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'range must be [low, high] with low <= high');

export const ImageAugmentConfig = z.object({
  enabled: z.boolean().default(true),
  /** Area fraction of the crop (RandomResizedCrop scale). */
  cropScale: range.default([0.6, 1.0]),
  /** Aspect ratio range of the crop (torchvision default). */
  cropRatio: range.default([3 / 4, 4 / 3]),
  flipProbability: z.number().min(0).max(1).default(0.5),
  rotationDegrees: z.number().nonnegative().default(20),
  /** Largest translation as a fraction of width / height. */
  translate: z.number().min(0).max(1).default(0.1),
  scale: range.default([0.95, 1.05]),
  brightness: range.default([0.6, 1.4]),
  contrast: range.default([0.6, 1.4]),
  /**
   * Gaussian blur sigma, in pixels of a 224-pixel view (the paper's size);
   * scaled to the output size, so a 64-pixel view is not blurred 3.5 times
   * harder than the paper's (sigma 3 at 64 px erases a nodule).
   */
  blurSigma: range.default([0.1, 3.0]),
});

/** The view size the augmentation's pixel quantities (blur sigma) refer to. */
export const REFERENCE_VIEW_SIZE = 224;
export type ImageAugmentConfig = z.infer<typeof ImageAugmentConfig>;

export interface ImageAugmentParams {
  crop: Box;
  flip: boolean;
  angle: number;
  /** Fractions of the output size. */
  translateX: number;
  translateY: number;
  scale: number;
  brightness: number;
  contrast: number;
  blurSigma: number;
}

/** torchvision RandomResizedCrop.get_params: 10 tries, then a centre crop. */
export function sampleCrop(rng: Rng, width: number, height: number, scale: [number, number], ratio: [number, number]): Box {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { x: rng.int(width - w + 1), y: rng.int(height - h + 1), width: w, height: h };
    }
  }
  const inRatio = width / height;
  const w = inRatio < ratio[0] ? width : inRatio > ratio[1] ? Math.round(height * ratio[1]) : width;
  const h = inRatio < ratio[0] ? Math.round(width / ratio[0]) : height;
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

export function sampleImageAugment(rng: Rng, config: ImageAugmentConfig, width: number, height: number): ImageAugmentParams {
  return {
    crop: sampleCrop(rng, width, height, config.cropScale, config.cropRatio),
    flip: rng.next() < config.flipProbability,
    angle: rng.uniform(-config.rotationDegrees, config.rotationDegrees),
    translateX: rng.uniform(-config.translate, config.translate),
    translateY: rng.uniform(-config.translate, config.translate),
    scale: rng.uniform(config.scale[0], config.scale[1]),
    brightness: rng.uniform(config.brightness[0], config.brightness[1]),
    contrast: rng.uniform(config.contrast[0], config.contrast[1]),
    blurSigma: rng.uniform(config.blurSigma[0], config.blurSigma[1]),
  };
}

/** Parameters that change nothing (for tests and evaluation-time transforms). */
export function neutralAugment(width: number, height: number): ImageAugmentParams {
  return { crop: { x: 0, y: 0, width, height }, flip: false, angle: 0, translateX: 0, translateY: 0, scale: 1, brightness: 1, contrast: 1, blurSigma: 0 };
}

export function applyImageAugment(img: GrayImage, p: ImageAugmentParams, outSize: number): GrayImage {
  let out = cropResize(img, p.crop, outSize, outSize);
  if (p.flip) out = flipHorizontal(out);
  if (p.angle !== 0 || p.translateX !== 0 || p.translateY !== 0 || p.scale !== 1) {
    out = affine(out, { angle: p.angle, translateX: p.translateX * outSize, translateY: p.translateY * outSize, scale: p.scale });
  }
  if (p.brightness !== 1 || p.contrast !== 1) out = brightnessContrast(out, p.brightness, p.contrast);
  return gaussianBlur(out, (p.blurSigma * outSize) / REFERENCE_VIEW_SIZE);
}

/** Evaluation-time transform: the whole image resized to outSize x outSize. */
export function resizeOnly(img: GrayImage, outSize: number): GrayImage {
  return cropResize(img, { x: 0, y: 0, width: img.width, height: img.height }, outSize, outSize);
}
