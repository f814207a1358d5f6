/**
 * The `convirt:` image loader: cornerstone asks for `convirt:<instanceId>/<frame>`
 * and gets the frame's stored pixels from the services' pixel endpoint (the
 * bridge in browser mode, the app:// protocol in Electron; the same relative
 * URL for both). The viewer never fetches pixels itself.
 */
import * as cornerstone from 'cornerstone-core';
import { FRAME_META_HEADER, FrameMeta, framePixelsPath, framePreviewPath, PIXEL_ARRAYS } from '../../../src-shared/contract/viewer';

export const IMAGE_SCHEME = 'convirt';
const CACHE_BYTES = 512 * 1024 * 1024;

export function imageIdOf(instanceId: number, frame: number): string {
  return `${IMAGE_SCHEME}:${instanceId}/${frame}`;
}

/** The frame's preview (longest side 512, same stored values and window), shown while the full frame loads. */
export function previewImageIdOf(instanceId: number, frame: number): string {
  return `${imageIdOf(instanceId, frame)}/preview`;
}

export function parseImageId(imageId: string): { instanceId: number; frame: number; preview: boolean } {
  const match = /^convirt:(\d+)\/(\d+)(\/preview)?$/.exec(imageId);
  if (!match) throw new Error(`Not a ${IMAGE_SCHEME}: image id: ${imageId}`);
  return { instanceId: Number(match[1]), frame: Number(match[2]), preview: match[3] !== undefined };
}

/** What the loader learnt about each loaded frame, for the overlay and the windowing tools. */
const metaByImageId = new Map<string, FrameMeta>();

export function frameMeta(imageId: string): FrameMeta | null {
  return metaByImageId.get(imageId) ?? null;
}

function rgbToRgba(rgb: cornerstone.PixelArray, pixels: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    out[p * 4] = rgb[p * 3]!;
    out[p * 4 + 1] = rgb[p * 3 + 1]!;
    out[p * 4 + 2] = rgb[p * 3 + 2]!;
    out[p * 4 + 3] = 255;
  }
  return out;
}

export async function fetchFrame(instanceId: number, frame: number, signal?: AbortSignal, preview = false): Promise<{ meta: FrameMeta; pixels: cornerstone.PixelArray }> {
  const path = preview ? framePreviewPath(instanceId, frame) : framePixelsPath(instanceId, frame);
  const response = await fetch(path, { credentials: 'same-origin', signal });
  if (!response.ok) throw new Error(`Image ${instanceId} frame ${frame}: ${(await response.text()).slice(0, 300)}`);
  const meta = FrameMeta.parse(JSON.parse(response.headers.get(FRAME_META_HEADER) ?? 'null'));
  const pixels = new PIXEL_ARRAYS[meta.dataType](await response.arrayBuffer());
  const expected = meta.rows * meta.columns * meta.samplesPerPixel;
  if (pixels.length < expected) throw new Error(`Image ${instanceId} frame ${frame}: ${pixels.length} samples received, ${expected} expected.`);
  return { meta, pixels };
}

function toCornerstoneImage(imageId: string, meta: FrameMeta, stored: cornerstone.PixelArray): cornerstone.Image {
  const colour = meta.samplesPerPixel === 3;
  const pixels = colour ? rgbToRgba(stored, meta.rows * meta.columns) : stored;
  return {
    imageId,
    minPixelValue: colour ? 0 : meta.minStored,
    maxPixelValue: colour ? 255 : meta.maxStored,
    slope: meta.slope,
    intercept: meta.intercept,
    windowCenter: meta.window.center,
    windowWidth: meta.window.width,
    getPixelData: () => pixels,
    rows: meta.rows,
    columns: meta.columns,
    height: meta.rows,
    width: meta.columns,
    color: colour,
    rgba: colour ? true : undefined,
    columnPixelSpacing: 1,
    rowPixelSpacing: 1,
    // MONOCHROME1: cornerstone starts the viewport inverted, so dense bone shows bright.
    invert: meta.invert,
    sizeInBytes: pixels.byteLength + (colour ? stored.byteLength : 0),
  };
}

const loadConvirtImage: cornerstone.ImageLoader = (imageId) => {
  const controller = new AbortController();
  const promise = (async () => {
    const { instanceId, frame, preview } = parseImageId(imageId);
    const { meta, pixels } = await fetchFrame(instanceId, frame, controller.signal, preview);
    metaByImageId.set(imageId, meta);
    return toCornerstoneImage(imageId, meta, pixels);
  })();
  return { promise, cancelFn: () => controller.abort() };
};

let registrations = 0;

/** Registers the loader (idempotent); the returned teardown empties the image cache when the last user leaves. */
export function registerConvirtLoader(): () => void {
  if (registrations++ === 0) {
    cornerstone.registerImageLoader(IMAGE_SCHEME, loadConvirtImage);
    cornerstone.imageCache.setMaximumSizeBytes(CACHE_BYTES);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--registrations === 0) {
      cornerstone.imageCache.purgeCache();
      metaByImageId.clear();
    }
  };
}
