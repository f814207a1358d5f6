/**
 * The viewer's services: a study laid out as stacks of frames with the report
 * sentence to highlight, and the pixels of one frame (decoded by the
 * importer's decodeFrame, kept in a small byte-bounded cache so that scrolling
 * back and forth does not decode again).
 */
import type { ServiceImpl } from '../../src-shared/contract/index';
import { wantsPreview, type FrameMeta, type HighlightRequest, type PixelDataType, type StackImage, type ViewerStack } from '../../src-shared/contract/viewer';
import type { StudyDetail } from '../../src-shared/contract/library';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { getStudy } from '../db/studies-repo';
import { cacheDirFor, cacheEntryPath, readCacheEntry } from '../ingest/cache/image-cache';
import { decodeFrame } from '../ingest/pixels/decode';
import { decodePlainImage, isPlainImage } from '../ingest/pixels/plain-image';
import type { StoredArray } from '../ingest/pixels/stored-values';
import { log } from '../log';
import { downsampleFrame, PREVIEW_SIDE, previewFromCache, samplesOf, type PixelsOut } from './frame-preview';

export interface FramePixels {
  meta: FrameMeta;
  /** Little-endian samples, rows * columns * samplesPerPixel of meta.dataType. */
  bytes: Buffer;
}

/** 512 MiB of decoded frames: a few large radiographs or several CT/MR series. */
const CACHE_BYTES = 512 * 1024 * 1024;

function dataTypeOf(values: StoredArray): PixelDataType {
  if (values instanceof Uint8Array) return 'uint8';
  if (values instanceof Int8Array) return 'int8';
  if (values instanceof Uint16Array) return 'uint16';
  if (values instanceof Int16Array) return 'int16';
  if (values instanceof Uint32Array) return 'uint32';
  return 'int32';
}

function framePixels({ meta, samples }: PixelsOut): FramePixels {
  return { meta, bytes: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength) };
}

function storedRange(values: StoredArray, samplesPerPixel: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i += samplesPerPixel) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

/**
 * The ordinal of the sentence to highlight: the given index, or the sentence
 * that contains the text (case and spacing ignored), else the one sharing the
 * most words with it. Pure.
 */
export function findHighlight(sentences: readonly { text: string }[], request: HighlightRequest | undefined): number | null {
  if (!request || sentences.length === 0) return null;
  if ('sentenceIndex' in request) return request.sentenceIndex < sentences.length ? request.sentenceIndex : null;
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  const wanted = norm(request.text);
  const containing = sentences.findIndex((s) => norm(s.text).includes(wanted) || wanted.includes(norm(s.text)));
  if (containing >= 0) return containing;
  const words = (s: string) => new Set(norm(s).split(/[^a-z0-9]+/).filter((w) => w.length > 2));
  const want = words(wanted);
  let best = -1;
  let bestShared = 0;
  sentences.forEach((s, i) => {
    let shared = 0;
    for (const w of words(s.text)) if (want.has(w)) shared++;
    if (shared > bestShared) [best, bestShared] = [i, shared];
  });
  return best >= 0 ? best : null;
}

export function stacksOf(study: StudyDetail): ViewerStack[] {
  return study.series
    .map((s) => ({
      seriesId: s.id,
      seriesNumber: s.seriesNumber,
      modality: s.modality,
      description: s.description,
      images: s.instances.flatMap((i) => Array.from({ length: Math.max(1, i.frames) }, (_, frame) => ({ instanceId: i.id, frame, rows: i.rows, columns: i.columns }))),
    }))
    .filter((s) => s.images.length > 0);
}

/**
 * Decodes frames for the viewer, one decode per frame however many ask at
 * once, and makes their previews (frame-preview.ts). Decoded frames and
 * previews share one least-recently-used cache bounded by CACHE_BYTES.
 */
export class FramePixelSource {
  private readonly cache = new Map<string, Promise<FramePixels>>();
  private readonly sizes = new Map<string, number>();
  private cachedBytes = 0;
  private readonly cacheDir: string | null;

  /** `libraryPath` locates the importer's preprocessed cache, which previews are read from when it has the frame. */
  constructor(
    private readonly db: Db,
    libraryPath: string | null = null,
  ) {
    this.cacheDir = libraryPath && libraryPath !== ':memory:' ? cacheDirFor(libraryPath) : null;
  }

  get(instanceId: number, frame: number): Promise<FramePixels> {
    return this.cached(`${instanceId}/${frame}`, () => this.decode(instanceId, frame));
  }

  /** The frame with its longest side at most PREVIEW_SIDE: what the viewer shows first of a large image. */
  preview(instanceId: number, frame: number): Promise<FramePixels> {
    return this.cached(`${instanceId}/${frame}/preview`, () => this.makePreview(instanceId, frame));
  }

  /**
   * Starts on what the viewer will ask for first when it opens a study: the
   * preview of a large frame (its full decode waits for the viewer's request,
   * so that it never holds up the preview's reply), else the frame itself.
   */
  warm(image: StackImage): void {
    const first = wantsPreview(image.rows, image.columns) ? this.preview(image.instanceId, image.frame) : this.get(image.instanceId, image.frame);
    first.catch(() => undefined);
  }

  private cached(key: string, make: () => Promise<FramePixels>): Promise<FramePixels> {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit); // most recently used last
      return hit;
    }
    const pending = make();
    this.cache.set(key, pending);
    pending.then(
      (p) => this.account(key, p.bytes.length),
      () => this.cache.delete(key),
    );
    return pending;
  }

  private async makePreview(instanceId: number, frame: number): Promise<FramePixels> {
    const full = this.cache.get(`${instanceId}/${frame}`);
    const fromCache = full ? null : await this.previewFromCache(instanceId, frame);
    if (fromCache) return fromCache;
    const { meta, bytes } = await (full ?? this.get(instanceId, frame));
    return framePixels(downsampleFrame(meta, samplesOf(bytes, meta.dataType)));
  }

  /** The importer's cache entry of a grayscale frame as a preview, or null when there is none (or it cannot stand for the frame). */
  private async previewFromCache(instanceId: number, frame: number): Promise<FramePixels | null> {
    if (!this.cacheDir) return null;
    const row = this.db
      .prepare('SELECT content_hash AS hash, frames, photometric_interpretation AS photometric, rescale_slope AS slope, rescale_intercept AS intercept FROM instances WHERE id = ?')
      .get(instanceId) as { hash: string; frames: number; photometric: string | null; slope: number | null; intercept: number | null } | undefined;
    if (!row || frame >= row.frames || !row.photometric?.startsWith('MONOCHROME') || row.slope === 0) return null;
    const path = cacheEntryPath(this.cacheDir, row.hash, frame, PREVIEW_SIDE);
    try {
      const { info, samples } = await readCacheEntry(path);
      if (info.frameIndex !== frame) return null;
      return framePixels(previewFromCache(info, samples, { instanceId, frame, frames: row.frames, slope: row.slope ?? 1, intercept: row.intercept ?? 0 }));
    } catch {
      return null; // no entry (or an unreadable one): the caller decodes
    }
  }

  private account(key: string, bytes: number): void {
    if (!this.cache.has(key)) return;
    this.sizes.set(key, bytes);
    this.cachedBytes += bytes;
    for (const old of this.cache.keys()) {
      if (this.cachedBytes <= CACHE_BYTES || old === key) break;
      this.cache.delete(old);
      this.cachedBytes -= this.sizes.get(old) ?? 0;
      this.sizes.delete(old);
    }
  }

  private async decode(instanceId: number, frame: number): Promise<FramePixels> {
    const row = this.db
      .prepare('SELECT path, frames, rescale_slope AS slope, rescale_intercept AS intercept FROM instances WHERE id = ?')
      .get(instanceId) as { path: string; frames: number; slope: number | null; intercept: number | null } | undefined;
    if (!row) throw new AppError('not_found', `No image with id ${instanceId} in this library.`);
    if (frame >= row.frames) throw new AppError('not_found', `Image ${instanceId} has ${row.frames} frame(s); frame ${frame} does not exist.`);
    if (isPlainImage(row.path)) return this.decodePlain(instanceId, row.path);
    let decoded;
    try {
      decoded = await decodeFrame(row.path, frame);
    } catch (cause) {
      log.warn('viewer.decode_failed', { instanceId, frame });
      throw new AppError('not_found', `Cannot read image ${instanceId}: ${(cause as Error).message}`);
    }
    const samplesPerPixel = decoded.samplesPerPixel === 3 ? 3 : 1;
    const range = storedRange(decoded.stored, samplesPerPixel);
    const colour = samplesPerPixel === 3;
    const meta: FrameMeta = {
      instanceId,
      frame,
      frames: decoded.frames,
      rows: decoded.rows,
      columns: decoded.columns,
      samplesPerPixel,
      dataType: dataTypeOf(decoded.stored),
      photometricInterpretation: decoded.photometricInterpretation,
      slope: colour ? 1 : (row.slope ?? 1),
      intercept: colour ? 0 : (row.intercept ?? 0),
      minStored: range.min,
      maxStored: range.max,
      window: { center: decoded.window.center, width: Math.max(decoded.window.width, 1), source: decoded.window.source },
      invert: decoded.invert,
    };
    const { buffer, byteOffset, byteLength } = decoded.stored;
    return { meta, bytes: Buffer.from(buffer, byteOffset, byteLength) };
  }

  /** A JPEG / PNG image of an image-text layout: one 8-bit MONOCHROME2 frame. */
  private async decodePlain(instanceId: number, path: string): Promise<FramePixels> {
    let image;
    try {
      image = await decodePlainImage(path);
    } catch (cause) {
      log.warn('viewer.decode_failed', { instanceId, frame: 0 });
      throw new AppError('not_found', `Cannot read image ${instanceId}: ${(cause as Error).message}`);
    }
    const range = storedRange(image.stored, 1);
    const meta: FrameMeta = {
      instanceId,
      frame: 0,
      frames: 1,
      rows: image.rows,
      columns: image.columns,
      samplesPerPixel: 1,
      dataType: 'uint8',
      photometricInterpretation: 'MONOCHROME2',
      slope: 1,
      intercept: 0,
      minStored: range.min,
      maxStored: range.max,
      window: image.window,
      invert: false,
    };
    return { meta, bytes: Buffer.from(image.stored.buffer, image.stored.byteOffset, image.stored.byteLength) };
  }
}

export function createViewerService(db: Db, pixels: FramePixelSource): ServiceImpl['viewer'] {
  return {
    openStudy: ({ studyId, highlight }) => {
      const study = getStudy(db, studyId);
      if (!study) throw new AppError('not_found', `No study with id ${studyId} in this library.`);
      const stacks = stacksOf(study);
      const first = stacks[0]?.images[0];
      // After this reply is on its way: a preview read from the cache is synchronous work.
      if (first) setImmediate(() => pixels.warm(first));
      return { study, stacks, highlightedSentence: findHighlight(study.report?.sentences ?? [], highlight) };
    },
  };
}
