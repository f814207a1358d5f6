/**
 * The study list's thumbnails, `GET thumbs/<instanceId>`: the image's first
 * frame as a small 8-bit grayscale PNG (longest side THUMBNAIL_SIDE pixels,
 * aspect kept, display polarity). Read from the preprocessed image cache (or
 * the plain JPEG / PNG file) when there is one, else decoded from the DICOM
 * file through its window. Contrast is stretched between the 1st and 99th
 * percentiles so that small images stay readable. Encoded thumbnails are kept
 * in memory (a few KB each) and the browser may cache them for an hour: an
 * instance id always names the same image.
 */
import sharp from 'sharp';
import type { Db } from '../db/connection';
import { canLoadGrayImage, loadGrayImage } from '../eval/features/study-images';
import { decodeFrame } from '../ingest/pixels/decode';
import { AppError } from '../../src-shared/result';
import type { PixelReply } from './pixels';

export const THUMBS_PREFIX = '/thumbs/';
/** Twice the list's 48 px cell, for high-density screens. */
export const THUMBNAIL_SIDE = 96;
const MEMORY_ENTRIES = 4000;

/** 8-bit samples with the 1st..99th percentile range stretched to 0..255. Pure. */
export function stretchContrast(gray: Uint8Array): Uint8Array {
  const histogram = new Uint32Array(256);
  for (const v of gray) histogram[v]!++;
  const percentile = (p: number): number => {
    const wanted = p * gray.length;
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += histogram[v]!) >= wanted) return v;
    return 255;
  };
  const low = percentile(0.01);
  const high = percentile(0.99);
  if (high <= low) return gray;
  const scale = 255 / (high - low);
  return gray.map((v) => Math.min(255, Math.max(0, Math.round((v - low) * scale))));
}

export class ThumbnailSource {
  private readonly memory = new Map<number, Buffer>();

  constructor(
    private readonly db: Db,
    private readonly libraryPath: string,
  ) {}

  async get(instanceId: number): Promise<Buffer> {
    const hit = this.memory.get(instanceId);
    if (hit) return hit;
    const png = await this.render(instanceId);
    if (this.memory.size >= MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value!);
    this.memory.set(instanceId, png);
    return png;
  }

  private async render(instanceId: number): Promise<Buffer> {
    const ref = this.db.prepare('SELECT id AS instanceId, path, content_hash AS contentHash FROM instances WHERE id = ?').get(instanceId) as
      | { instanceId: number; path: string; contentHash: string }
      | undefined;
    if (!ref) throw new AppError('not_found', `No image with id ${instanceId} in this library.`);
    let gray: Uint8Array;
    let width: number;
    let height: number;
    if (canLoadGrayImage(this.libraryPath, ref)) {
      const image = await loadGrayImage(this.libraryPath, ref);
      gray = Uint8Array.from(image.data, (v) => Math.round(v * 255));
      [width, height] = [image.width, image.height];
    } else {
      const frame = await decodeFrame(ref.path, 0);
      gray = frame.render8();
      [width, height] = [frame.columns, frame.rows];
    }
    return sharp(stretchContrast(gray), { raw: { width, height, channels: 1 } })
      .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
  }
}

function textReply(status: number, message: string): PixelReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: Buffer.from(message) };
}

/** Answers a thumbnail request for `pathname` (starting with THUMBS_PREFIX). Never throws. */
export async function thumbnailReply(source: ThumbnailSource, pathname: string): Promise<PixelReply> {
  const match = /^\/thumbs\/(\d{1,12})$/.exec(pathname);
  if (!match) return textReply(400, 'Expected thumbs/<instanceId>.');
  try {
    const body = await source.get(Number(match[1]));
    return { status: 200, headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' }, body };
  } catch (cause) {
    if (cause instanceof AppError) return textReply(cause.code === 'not_found' ? 404 : 422, cause.message);
    return textReply(422, 'This image cannot be shown as a thumbnail.');
  }
}
