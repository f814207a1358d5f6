/**
 * The DICOM import: walk the paths, examine each file, store each study in
 * one transaction, record every rejected file with its reason, and report
 * progress. Idempotent (unchanged files are skipped by path, size and mtime;
 * a changed file updates its instance) and resumable after a kill (a file is
 * marked done in the same transaction as its study). A DICOM SR file becomes
 * the report of its study, in the study's transaction; SR files are small and
 * are read again by each import (their report is then unchanged).
 */
import { dirname, sep } from 'node:path';
import type { Db } from '../db/connection';
import { AppError } from '../../src-shared/result';
import { DEFAULT_LONGEST_SIDE, removeCachedImages } from './cache/image-cache';
import { examineFile } from './import-file';
import { ImportStore, SR_WITHOUT_STUDY, type ExaminedImage, type ExaminedReport, type RejectedEntry } from './import-store';
import { walkFiles, type FoundFile } from './import-walk';

export interface ImportProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  rejected: number;
  elapsedSeconds: number;
  filesPerSecond: number;
  bytesPerSecond: number;
  /** Seconds left at the current rate; null until there is a rate. */
  etaSeconds: number | null;
}

export interface ImportOptions {
  /** studies.source for new studies. */
  source?: string;
  /** Decode each image's first frame (and cache it when cacheDir is set). Default true. */
  decode?: boolean;
  cacheDir?: string | null;
  longestSide?: number;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Flush all pending studies once this many images wait (bounds memory on huge, interleaved trees). */
  maxPendingImages?: number;
}

export interface ImportSummary {
  filesSeen: number;
  /** Unchanged since an earlier import: not read again. */
  filesSkipped: number;
  instancesAdded: number;
  instancesUpdated: number;
  instancesUnchanged: number;
  /** Files holding an image already in the library from another file (same SOP Instance UID). */
  duplicates: number;
  /** DICOM SR files attached to their study as its report. */
  reportsAdded: number;
  reportsUpdated: number;
  reportsUnchanged: number;
  /** Files under the given paths that are rejected (this run's and earlier, unchanged ones). */
  rejected: RejectedEntry[];
  elapsedSeconds: number;
  bytesRead: number;
}

interface PendingStudy {
  /** Deepest folder holding all of the study's files seen so far. */
  root: string;
  images: ExaminedImage[];
  reports: ExaminedReport[];
}

function commonFolder(a: string, b: string): string {
  const pa = a.split(sep);
  const pb = b.split(sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return pa.slice(0, i).join(sep) || sep;
}

const isUnder = (folder: string, root: string): boolean => folder === root || folder.startsWith(root.endsWith(sep) ? root : root + sep);

export async function importDicom(db: Db, paths: readonly string[], options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const store = new ImportStore(db);
  const files = walkFiles(paths);
  const source = options.source ?? 'dicom';
  const examine = { decode: options.decode ?? true, cacheDir: options.cacheDir ?? null, longestSide: options.longestSide ?? DEFAULT_LONGEST_SIDE };
  const maxPending = options.maxPendingImages ?? 2000;
  const summary: ImportSummary = { filesSeen: files.length, filesSkipped: 0, instancesAdded: 0, instancesUpdated: 0, instancesUnchanged: 0, duplicates: 0, reportsAdded: 0, reportsUpdated: 0, reportsUnchanged: 0, rejected: [], elapsedSeconds: 0, bytesRead: 0 };
  const bytesTotal = files.reduce((s, f) => s + f.sizeBytes, 0);
  let bytesDone = 0;
  let filesDone = 0;
  const pending = new Map<string, PendingStudy>();
  let pendingImages = 0;

  const flush = (studyUid: string): void => {
    const study = pending.get(studyUid)!;
    pending.delete(studyUid);
    pendingImages -= study.images.length;
    const changes = store.commitStudy(study.images, source, (oldHash) => examine.cacheDir && removeCachedImages(examine.cacheDir, oldHash, examine.longestSide), study.reports);
    for (const change of changes.instances) {
      if (change === 'added') summary.instancesAdded++;
      else if (change === 'updated') summary.instancesUpdated++;
      else if (change === 'duplicate') summary.duplicates++;
      else summary.instancesUnchanged++;
    }
    for (const change of changes.reports) {
      if (change === 'added') summary.reportsAdded++;
      else if (change === 'updated') summary.reportsUpdated++;
      else summary.reportsUnchanged++;
    }
    const orphans = changes.reportsWithoutStudy.map((r) => ({ path: r.path, reason: 'no_pixel_data' as const, detail: SR_WITHOUT_STUDY, sizeBytes: r.sizeBytes, mtimeMs: r.mtimeMs, contentHash: r.contentHash }));
    store.recordRejections(orphans);
    summary.rejected.push(...orphans.map(({ path, reason, detail }) => ({ path, reason, detail })));
  };
  // A study with only SR files so far waits for the end of the walk: its images may be in a later folder.
  const hasImages = (uid: string): boolean => pending.get(uid)!.images.length > 0;
  // Files are walked depth-first in sorted order: once the walk leaves a study's folder it
  // does not come back, so the study is complete for this run and lands in one transaction.
  const flushStudiesOutside = (folder: string): void => {
    for (const [uid, study] of pending) if (!isUnder(folder, study.root) && hasImages(uid)) flush(uid);
  };
  const report = (): void => {
    if (!options.onProgress) return;
    const elapsed = (performance.now() - started) / 1000;
    const bytesPerSecond = elapsed > 0 ? bytesDone / elapsed : 0;
    options.onProgress({
      filesDone,
      filesTotal: files.length,
      bytesDone,
      bytesTotal,
      rejected: summary.rejected.length,
      elapsedSeconds: elapsed,
      filesPerSecond: elapsed > 0 ? filesDone / elapsed : 0,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? (bytesTotal - bytesDone) / bytesPerSecond : null,
    });
  };

  report();
  for (const file of files) {
    if (options.signal?.aborted) throw new AppError('cancelled', 'The import was cancelled; studies already stored stay in the library.');
    flushStudiesOutside(dirname(file.path));
    await importOne(file);
    filesDone++;
    bytesDone += file.sizeBytes;
    if (pendingImages >= maxPending) for (const uid of [...pending.keys()]) if (hasImages(uid)) flush(uid);
    report();
  }
  for (const uid of [...pending.keys()]) flush(uid);
  summary.elapsedSeconds = (performance.now() - started) / 1000;
  return summary;

  async function importOne(file: FoundFile): Promise<void> {
    const earlier = store.earlierOutcome(file.path, file.sizeBytes, file.mtimeMs);
    if (earlier) {
      summary.filesSkipped++;
      if (earlier.status === 'rejected') summary.rejected.push({ path: file.path, reason: earlier.reason, detail: earlier.detail });
      return;
    }
    const examined = await examineFile(file, examine);
    summary.bytesRead += file.sizeBytes;
    if (examined.kind === 'rejected') {
      store.recordRejections([{ ...examined.entry, sizeBytes: examined.sizeBytes, mtimeMs: examined.mtimeMs, contentHash: examined.contentHash }]);
      summary.rejected.push(examined.entry);
      return;
    }
    const uid = examined.kind === 'image' ? examined.image.meta.study.studyUid : examined.report.studyUid;
    const folder = dirname(file.path);
    const study = pending.get(uid) ?? { root: folder, images: [], reports: [] };
    study.root = commonFolder(study.root, folder);
    if (examined.kind === 'image') {
      study.images.push(examined.image);
      pendingImages++;
    } else {
      study.reports.push(examined.report);
    }
    pending.set(uid, study);
  }
}
