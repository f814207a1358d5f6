/** What the library stores about a JPEG or PNG file: content hash, size and dimensions from the header. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { imageSize } from 'image-size';
import type { LayoutRejection } from './types';

export interface ImageFacts {
  /** Hex SHA-256 of the file's bytes. */
  contentHash: string;
  sizeBytes: number;
  rows: number;
  columns: number;
  format: 'jpg' | 'png';
}

export async function readImageFacts(path: string): Promise<ImageFacts | LayoutRejection> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    return { path, reason: 'unreadable', detail: code === 'ENOENT' ? 'the image file does not exist' : `cannot read the file (${code ?? 'error'})` };
  }
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    return { path, reason: 'unreadable', detail: 'not a JPEG or PNG image (no readable header)' };
  }
  if (size.type !== 'jpg' && size.type !== 'png') return { path, reason: 'unreadable', detail: `a ${size.type ?? 'unknown'} image, not JPEG or PNG` };
  return {
    contentHash: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    rows: size.height,
    columns: size.width,
    format: size.type,
  };
}

export const isRejection = (v: ImageFacts | LayoutRejection): v is LayoutRejection => 'reason' in v;
