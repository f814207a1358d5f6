/**
 * Examines one file for import: hash, parse, metadata, and (unless turned
 * off) a decode of the first frame written to the preprocessed image cache,
 * so that a file whose pixels cannot be decoded is rejected now rather than
 * failing later in the viewer or in training. A DICOM SR file gives the text
 * report of its study instead. No database access.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hasCacheEntry, writeCacheEntry } from './cache/image-cache';
import { extractMetadata } from './dicom/metadata';
import { parseDicomBytes } from './dicom/open';
import type { FoundFile } from './import-walk';
import type { ExaminedImage, ExaminedReport, RejectedEntry } from './import-store';
import { decodeParsedFrame, type DecodedFrame } from './pixels/decode';
import { isRejectedFile, RejectedFile } from './rejection';
import { isStructuredReport, srReport } from './reports/sr';
import { AppError } from '../../src-shared/result';

export interface ExamineOptions {
  /** Decode the first frame (default true). */
  decode: boolean;
  /** Write the decoded frame to this cache folder; null = no cache. */
  cacheDir: string | null;
  longestSide: number;
}

export type Examined =
  | { kind: 'image'; image: ExaminedImage }
  | { kind: 'report'; report: ExaminedReport }
  | { kind: 'rejected'; entry: RejectedEntry; sizeBytes: number; mtimeMs: number; contentHash: string | null };

export async function examineFile(file: FoundFile, options: ExamineOptions): Promise<Examined> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    return { kind: 'rejected', entry: { path: file.path, reason: 'unreadable', detail: `the file cannot be read (${code})` }, sizeBytes: file.sizeBytes, mtimeMs: file.mtimeMs, contentHash: null };
  }
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  let image: ExaminedImage;
  let frame: DecodedFrame | null = null;
  try {
    const ds = parseDicomBytes(bytes);
    if (isStructuredReport(ds.string('x00080016')?.trim())) return { kind: 'report', report: examineReport(ds, file, bytes.length, contentHash) };
    const meta = extractMetadata(ds);
    if (options.decode && !(options.cacheDir && hasCacheEntry(options.cacheDir, contentHash, 0, options.longestSide))) {
      frame = await decodeParsedFrame(ds, meta.pixels, 0);
    }
    image = { path: file.path, sizeBytes: bytes.length, mtimeMs: file.mtimeMs, contentHash, meta };
  } catch (cause) {
    const entry: RejectedEntry = isRejectedFile(cause)
      ? { path: file.path, reason: cause.reason, detail: cause.detail }
      : { path: file.path, reason: 'unreadable', detail: `unexpected error while reading the file (${String((cause as Error)?.message ?? cause).slice(0, 160)})` };
    return { kind: 'rejected', entry, sizeBytes: bytes.length, mtimeMs: file.mtimeMs, contentHash };
  }
  // Outside the try: a cache write failure (disk full, permissions) is the library's problem, not the file's.
  if (frame && options.cacheDir) await writeCacheEntry(options.cacheDir, contentHash, frame, options.longestSide);
  return { kind: 'image', image };
}

function examineReport(ds: Parameters<typeof srReport>[0], file: FoundFile, sizeBytes: number, contentHash: string): ExaminedReport {
  try {
    const { study, report } = srReport(ds, file.path);
    // srReport refuses an SR without a Study Instance UID, so the identity always has one.
    return { path: file.path, sizeBytes, mtimeMs: file.mtimeMs, contentHash, sopInstanceUid: ds.string('x00080018')?.trim() || null, studyUid: study.studyUid!, report };
  } catch (cause) {
    // srReport names the path in its message; the rejection list has its own path column.
    if (cause instanceof AppError) throw new RejectedFile('unreadable', cause.message.replace(`${file.path}: `, '').replace(`${file.path} `, 'the file '));
    throw cause;
  }
}
