/**
 * Image operations for the ConVIRT augmentations on single-channel float
 * images (row-major, values in [0, 1]). Pure: each returns a new image and
 * leaves its input alone. Each is exactly the identity at its neutral
 * parameters, which the tests check bit for bit.
 *
 * Coordinates: pixel centres sit at integers; resampling is bilinear with
 * torch's align_corners=False convention, so an identity resize or affine
 * samples exactly at the source pixel centres.
 */

export interface GrayImage {
  data: Float32Array;
  width: number;
  height: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function makeImage(width: number, height: number, data = new Float32Array(width * height)): GrayImage {
  return { data, width, height };
}

/** Bilinear sample at (x, y) in pixel-centre coordinates; `outside` beyond the edge, clamped at it when null. */
function sample(img: GrayImage, x: number, y: number, outside: number | null): number {
  const { width: w, height: h, data } = img;
  if (outside !== null && (x < -0.5 || y < -0.5 || x > w - 0.5 || y > h - 0.5)) return outside;
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const fx = cx - x0;
  const fy = cy - y0;
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const top = data[y0 * w + x0]! * (1 - fx) + data[y0 * w + x1]! * fx;
  if (fy === 0) return top;
  const bottom = data[y1 * w + x0]! * (1 - fx) + data[y1 * w + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/** The `box` of `img` resized to outWidth x outHeight (bilinear). */
export function cropResize(img: GrayImage, box: Box, outWidth: number, outHeight: number): GrayImage {
  const out = makeImage(outWidth, outHeight);
  const sx = box.width / outWidth;
  const sy = box.height / outHeight;
  for (let oy = 0; oy < outHeight; oy++) {
    const y = box.y + (oy + 0.5) * sy - 0.5;
    for (let ox = 0; ox < outWidth; ox++) {
      out.data[oy * outWidth + ox] = sample(img, box.x + (ox + 0.5) * sx - 0.5, y, null);
    }
  }
  return out;
}

export function flipHorizontal(img: GrayImage): GrayImage {
  const out = makeImage(img.width, img.height);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width;
    for (let x = 0; x < img.width; x++) out.data[row + x] = img.data[row + img.width - 1 - x]!;
  }
  return out;
}

export interface AffineParams {
  /** Degrees, counter-clockwise as torchvision's affine. */
  angle: number;
  /** Pixels. */
  translateX: number;
  translateY: number;
  scale: number;
}

/** Rotation, scale about the centre, then translation; outside pixels become `fill` (torchvision: 0). */
export function affine(img: GrayImage, p: AffineParams, fill = 0): GrayImage {
  const out = makeImage(img.width, img.height);
  const cx = (img.width - 1) / 2;
  const cy = (img.height - 1) / 2;
  const rad = (p.angle * Math.PI) / 180;
  // Inverse map: source = R(-angle) * (out - centre - t) / scale + centre. With y
  // pointing down, a counter-clockwise rotation on screen is a clockwise one in
  // these coordinates.
  const cos = Math.cos(rad) / p.scale;
  const sin = Math.sin(rad) / p.scale;
  for (let oy = 0; oy < img.height; oy++) {
    const dy = oy - cy - p.translateY;
    for (let ox = 0; ox < img.width; ox++) {
      const dx = ox - cx - p.translateX;
      const x = cos * dx - sin * dy + cx;
      const y = sin * dx + cos * dy + cy;
      out.data[oy * img.width + ox] = sample(img, x, y, fill);
    }
  }
  return out;
}

/**
 * torchvision's adjust_brightness then adjust_contrast on a float image:
 * x * b, then c * x + (1 - c) * mean(x), each clamped to [0, 1].
 */
export function brightnessContrast(img: GrayImage, brightness: number, contrast: number): GrayImage {
  const out = makeImage(img.width, img.height);
  const n = img.data.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.min(1, Math.max(0, img.data[i]! * brightness));
    out.data[i] = v;
    sum += out.data[i]!;
  }
  const mean = sum / n;
  for (let i = 0; i < n; i++) out.data[i] = Math.min(1, Math.max(0, contrast * out.data[i]! + (1 - contrast) * mean));
  return out;
}

/** Normalised 1-D Gaussian taps for radius ceil(3 sigma). */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    taps[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += taps[i + radius]!;
  }
  for (let i = 0; i < taps.length; i++) taps[i]! /= sum;
  return taps;
}

/** Reflect an index into [0, n) as torch's 'reflect' padding (edge not repeated). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = Math.abs(i) % period;
  if (j >= n) j = period - j;
  return j;
}

/** Separable Gaussian blur; sigma <= 0 is the identity. */
export function gaussianBlur(img: GrayImage, sigma: number): GrayImage {
  if (sigma <= 0) return makeImage(img.width, img.height, img.data.slice());
  const taps = gaussianKernel(sigma);
  const radius = (taps.length - 1) / 2;
  const { width: w, height: h } = img;
  const rows = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += taps[k + radius]! * img.data[y * w + reflect(x + k, w)]!;
      rows[y * w + x] = acc;
    }
  }
  const out = makeImage(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += taps[k + radius]! * rows[reflect(y + k, h) * w + x]!;
      out.data[y * w + x] = acc;
    }
  }
  return out;
}
