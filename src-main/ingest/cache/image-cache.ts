/**
 * The preprocessed image cache for training and thumbnails: one grayscale PNG
 * per (source content hash, frame, longest side), aspect kept, 16-bit when the
 * source has more than 8 bits stored, in display polarity (MONOCHROME1
 * inverted). Keyed by the SHA-256 of the source file, so a changed file gets a
 * fresh entry. Files are written to a temporary name and renamed into place.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { PNG } from 'pngjs';
import { AppError } from '../../../src-shared/result';
import type { DecodedFrame } from '../pixels/decode';
import { resampleGray } from './resample';

export const DEFAULT_LONGEST_SIDE = 512;

export interface CacheEntryInfo {
  sourceHash: string;
  frameIndex: number;
  /** Size of the cached image, pixels. */
  width: number;
  height: number;
  /** Size of the source frame, pixels. */
  sourceColumns: number;
  sourceRows: number;
  bitDepth: 8 | 16;
  /** Modality values that cached 0 and the top value (255 or 65535) stand for, before inversion. */
  valueAtZero: number;
  valueAtTop: number;
  inverted: boolean;
  window: { center: number; width: number; source: 'voi' | 'percentile' };
}

/** `<library folder>/<library name>.cache`: beside the library file, never inside the user's DICOM folders. */
export function cacheDirFor(libraryPath: string): string {
  return join(dirname(libraryPath), `${basename(libraryPath, extname(libraryPath))}.cache`);
}

export function cacheEntryPath(cacheDir: string, sourceHash: string, frameIndex: number, longestSide: number): string {
  return join(cacheDir, `images-${longestSide}`, sourceHash.slice(0, 2), `${sourceHash}-f${frameIndex}.png`);
}

/**
 * Maps a frame to the cached grayscale range. 8-bit unsigned sources keep their
 * stored values; everything else is stretched linearly from its min..max to 16 bits.
 * Returns samples, rows * columns, top-left first.
 */
export function toCacheSamples(frame: DecodedFrame): { samples: Uint8Array | Uint16Array; bitDepth: 8 | 16; valueAtZero: number; valueAtTop: number } {
  const values = frame.modality;
  if (frame.bitsStored <= 8 && !frame.signed && frame.samplesPerPixel === 1 && isIdentityRescale(frame)) {
    const samples = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) samples[i] = frame.invert ? 255 - values[i]! : values[i]!;
    return { samples, bitDepth: 8, valueAtZero: 0, valueAtTop: 255 };
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < min) min = values[i]!;
    if (values[i]! > max) max = values[i]!;
  }
  const scale = max > min ? 65535 / (max - min) : 0;
  const samples = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((values[i]! - min) * scale);
    samples[i] = frame.invert ? 65535 - v : v;
  }
  return { samples, bitDepth: 16, valueAtZero: min, valueAtTop: max > min ? max : min + 1 };
}

function isIdentityRescale(frame: DecodedFrame): boolean {
  const n = Math.min(frame.stored.length, frame.modality.length);
  for (let i = 0; i < n; i += 97) if (frame.modality[i] !== frame.stored[i]) return false;
  return true;
}

/** A grayscale PNG (colour type 0) at 8 or 16 bits per sample, via pngjs, which keeps 16-bit samples exact. */
export function encodeGrayPng(samples: Uint8Array | Uint16Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: samples instanceof Uint16Array ? 16 : 8, inputHasAlpha: false });
  png.data = (samples instanceof Uint16Array ? samples : Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)) as unknown as Buffer;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: samples instanceof Uint16Array ? 16 : 8, inputHasAlpha: false });
}

/**
 * Reads a grayscale PNG back to one sample per pixel. fast-png returns the
 * samples as they are stored (pngjs expanded them to RGBA first, several
 * times slower: the viewer reads a 512-pixel entry as a large image's first
 * pixels).
 */
export function decodeGrayPng(bytes: Buffer, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  const png = decodePng(bytes);
  if (png.channels !== 1 || png.depth !== bitDepth) {
    throw new AppError('internal', `cached image has ${png.channels} channel(s) at ${png.depth} bits, its sidecar says 1 at ${bitDepth}: remove the cache folder and import again`);
  }
  return png.data as Uint8Array | Uint16Array;
}

function writeAtomically(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes the cache entry for a decoded frame (PNG plus a JSON sidecar); returns the PNG path. */
export async function writeCacheEntry(cacheDir: string, sourceHash: string, frame: DecodedFrame, longestSide = DEFAULT_LONGEST_SIDE): Promise<string> {
  const path = cacheEntryPath(cacheDir, sourceHash, frame.frameIndex, longestSide);
  mkdirSync(dirname(path), { recursive: true });
  const { samples, bitDepth, valueAtZero, valueAtTop } = toCacheSamples(frame);
  const scale = longestSide / Math.max(frame.rows, frame.columns);
  const width = Math.max(1, Math.round(frame.columns * scale));
  const height = Math.max(1, Math.round(frame.rows * scale));
  const png = encodeGrayPng(resampleGray(samples, frame.columns, frame.rows, width, height), width, height);
  const info: CacheEntryInfo = {
    sourceHash,
    frameIndex: frame.frameIndex,
    width,
    height,
    sourceColumns: frame.columns,
    sourceRows: frame.rows,
    bitDepth,
    valueAtZero,
    valueAtTop,
    inverted: frame.invert,
    window: frame.window,
  };
  // Sidecar first, image last: an entry counts as present only when its PNG exists.
  writeAtomically(`${path}.json`, JSON.stringify(info));
  writeAtomically(path, png);
  return path;
}

export function hasCacheEntry(cacheDir: string, sourceHash: string, frameIndex: number, longestSide = DEFAULT_LONGEST_SIDE): boolean {
  const path = cacheEntryPath(cacheDir, sourceHash, frameIndex, longestSide);
  return existsSync(path) && existsSync(`${path}.json`);
}

/** Reads a cached image back: samples (rows * columns) and its description. */
export async function readCacheEntry(path: string): Promise<{ info: CacheEntryInfo; samples: Uint8Array | Uint16Array }> {
  const info = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as CacheEntryInfo;
  return { info, samples: decodeGrayPng(readFileSync(path), info.bitDepth) };
}

export function removeCacheEntry(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.json`, { force: true });
}

/** Removes every cached frame of a source whose content left the library (a changed file's old bytes). */
export function removeCachedImages(cacheDir: string, sourceHash: string, longestSide = DEFAULT_LONGEST_SIDE): void {
  const folder = dirname(cacheEntryPath(cacheDir, sourceHash, 0, longestSide));
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(`${sourceHash}-f`) && name.endsWith('.png')) removeCacheEntry(join(folder, name));
}
