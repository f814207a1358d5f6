import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { affine, brightnessContrast, cropResize, flipHorizontal, gaussianBlur, gaussianKernel, makeImage, type GrayImage } from '../../../src-main/ml/augment/image';
import { ImageAugmentConfig, applyImageAugment, neutralAugment, sampleCrop, sampleImageAugment } from '../../../src-main/ml/augment/image-augment';
import { Rng } from '../../../src-main/ml/augment/rng';

function randomImage(width: number, height: number, seed: number): GrayImage {
  const rng = new Rng(seed);
  return makeImage(width, height, Float32Array.from({ length: width * height }, () => rng.next()));
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s / xs.length;
}

describe('image operations are exact identities at neutral parameters', () => {
  const img = randomImage(37, 29, 1);
  it('crop of the whole image at the same size', () => assert.deepEqual(cropResize(img, { x: 0, y: 0, width: 37, height: 29 }, 37, 29).data, img.data));
  it('affine with angle 0, no translation, scale 1', () => assert.deepEqual(affine(img, { angle: 0, translateX: 0, translateY: 0, scale: 1 }).data, img.data));
  it('brightness and contrast 1', () => assert.deepEqual(brightnessContrast(img, 1, 1).data, img.data));
  it('blur sigma 0', () => assert.deepEqual(gaussianBlur(img, 0).data, img.data));
  it('flip twice', () => assert.deepEqual(flipHorizontal(flipHorizontal(img)).data, img.data));
  it('the whole pipeline with neutral parameters', () => {
    const square = randomImage(32, 32, 2);
    assert.deepEqual(applyImageAugment(square, neutralAugment(32, 32), 32).data, square.data);
  });
});

describe('image operations do what they say', () => {
  it('flip mirrors columns', () => {
    const img = makeImage(3, 2, Float32Array.from([1, 2, 3, 4, 5, 6]));
    assert.deepEqual([...flipHorizontal(img).data], [3, 2, 1, 6, 5, 4]);
  });

  it('integer translation shifts and fills with 0', () => {
    const img = randomImage(10, 8, 3);
    const out = affine(img, { angle: 0, translateX: 2, translateY: 1, scale: 1 });
    assert.equal(out.data[3 * 10 + 5], img.data[2 * 10 + 3]);
    assert.equal(out.data[0], 0);
  });

  it('rotation by 90 degrees turns the image counter-clockwise on screen', () => {
    const img = randomImage(9, 9, 4);
    const out = affine(img, { angle: 90, translateX: 0, translateY: 0, scale: 1 });
    // The pixel right of the centre moves above it.
    assert.ok(Math.abs(out.data[3 * 9 + 4]! - img.data[4 * 9 + 5]!) < 1e-6);
    // The top-right corner moves to the top left.
    assert.ok(Math.abs(out.data[0]! - img.data[8]!) < 1e-6);
  });

  it('brightness scales and clamps; contrast keeps the mean', () => {
    const img = makeImage(4, 1, Float32Array.from([0.1, 0.2, 0.6, 0.9]));
    assert.deepEqual([...brightnessContrast(img, 1.4, 1).data].map((x) => +x.toFixed(5)), [0.14, 0.28, 0.84, 1]);
    const c = brightnessContrast(img, 1, 0.5);
    assert.ok(Math.abs(mean(c.data) - mean(img.data)) < 1e-6);
    assert.ok(variance(c.data) < variance(img.data));
  });

  it('blur keeps the mean and lowers the variance; kernel sums to 1', () => {
    const img = randomImage(48, 48, 5);
    const k = gaussianKernel(1.5);
    assert.ok(Math.abs(k.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    const out = gaussianBlur(img, 1.5);
    assert.ok(Math.abs(mean(out.data) - mean(img.data)) < 0.01);
    assert.ok(variance(out.data) < variance(img.data) / 5);
  });

  it('crop-resize of a linear ramp stays a ramp', () => {
    const ramp = makeImage(20, 4, Float32Array.from({ length: 80 }, (_, i) => (i % 20) / 19));
    const out = cropResize(ramp, { x: 5, y: 0, width: 10, height: 4 }, 20, 4);
    for (let x = 1; x < 19; x++) assert.ok(out.data[x + 1]! > out.data[x]!, 'increasing');
    assert.ok(Math.abs(out.data[10]! - (5 + (10.5 * 10) / 20 - 0.5) / 19) < 1e-6);
  });
});

describe('random parameters follow the paper', () => {
  const config = ImageAugmentConfig.parse({});
  const rng = new Rng(123);
  const draws = Array.from({ length: 4000 }, () => sampleImageAugment(rng, config, 200, 160));

  it('defaults are the paper values', () => {
    assert.deepEqual(config.cropScale, [0.6, 1]);
    assert.equal(config.flipProbability, 0.5);
    assert.equal(config.rotationDegrees, 20);
    assert.equal(config.translate, 0.1);
    assert.deepEqual(config.scale, [0.95, 1.05]);
    assert.deepEqual(config.brightness, [0.6, 1.4]);
    assert.deepEqual(config.contrast, [0.6, 1.4]);
    assert.deepEqual(config.blurSigma, [0.1, 3]);
  });

  it('flips about half the time', () => {
    const share = draws.filter((d) => d.flip).length / draws.length;
    assert.ok(Math.abs(share - 0.5) < 0.03, `flip share ${share}`);
  });

  it('every parameter stays in its range and spreads over it', () => {
    const check = (values: number[], lo: number, hi: number, what: string) => {
      assert.ok(values.every((v) => v >= lo && v <= hi), `${what} in [${lo}, ${hi}]`);
      assert.ok(Math.abs(mean(values) - (lo + hi) / 2) < 0.03 * (hi - lo), `${what} centred`);
      assert.ok(Math.min(...values) < lo + 0.02 * (hi - lo) && Math.max(...values) > hi - 0.02 * (hi - lo), `${what} spread`);
    };
    check(draws.map((d) => d.angle), -20, 20, 'angle');
    check(draws.map((d) => d.translateX), -0.1, 0.1, 'translateX');
    check(draws.map((d) => d.scale), 0.95, 1.05, 'scale');
    check(draws.map((d) => d.brightness), 0.6, 1.4, 'brightness');
    check(draws.map((d) => d.contrast), 0.6, 1.4, 'contrast');
    check(draws.map((d) => d.blurSigma), 0.1, 3, 'blur sigma');
  });

  it('crops cover 0.6 to 1.0 of the area and lie inside the image', () => {
    const areas = draws.map((d) => (d.crop.width * d.crop.height) / (200 * 160));
    assert.ok(areas.every((a) => a > 0.58 && a <= 1.0), 'area share');
    assert.ok(draws.every((d) => d.crop.x >= 0 && d.crop.y >= 0 && d.crop.x + d.crop.width <= 200 && d.crop.y + d.crop.height <= 160));
    assert.ok(mean(areas) > 0.7 && mean(areas) < 0.85, `mean area ${mean(areas)}`);
  });

  it('falls back to a centre crop for extreme aspect ratios', () => {
    const box = sampleCrop(new Rng(1), 1000, 10, [0.6, 1], [3 / 4, 4 / 3]);
    assert.ok(box.width <= 1000 && box.height <= 10 && box.width > 0);
  });

  it('is seeded: same seed, same output; another seed, another output', () => {
    const img = randomImage(64, 64, 6);
    const a = applyImageAugment(img, sampleImageAugment(new Rng(9), config, 64, 64), 32);
    const b = applyImageAugment(img, sampleImageAugment(new Rng(9), config, 64, 64), 32);
    const c = applyImageAugment(img, sampleImageAugment(new Rng(10), config, 64, 64), 32);
    assert.deepEqual(a.data, b.data);
    assert.notDeepEqual(a.data, c.data);
    assert.equal(a.width, 32);
    assert.ok(a.data.every((v) => v >= 0 && v <= 1));
  });
});
