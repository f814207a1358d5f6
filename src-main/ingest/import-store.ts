/**
 * The importer's writes: one transaction per study (its patient, series,
 * instances and their import_files rows together), rejected files recorded
 * with their reason, and the lookups that make re-imports skip unchanged files.
 */
import { existsSync } from 'node:fs';
import type { Db } from '../db/connection';
import { IngestRepo, type ReportRecord } from '../db/ingest-repo';
import type { DicomMetadata } from './dicom/metadata';
import type { RejectionReason } from './rejection';
import { libraryCounts, type LibraryCounts } from '../db/studies-repo';

export interface ExaminedImage {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string;
  meta: DicomMetadata;
}

/** A DICOM SR file met during a DICOM import: it becomes the report of its study. */
export interface ExaminedReport {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string;
  sopInstanceUid: string | null;
  studyUid: string;
  report: ReportRecord;
}

/**
 * The detail of an SR file whose study has no images in the library. Such a
 * file is examined again by the next import (its images may have come since).
 */
export const SR_WITHOUT_STUDY = 'a structured report whose study has no images in the library; import it together with, or after, the study images';

export interface RejectedEntry {
  path: string;
  reason: RejectionReason;
  detail: string;
}

export type InstanceChange = 'added' | 'updated' | 'unchanged' | 'duplicate';
export type ReportChange = 'added' | 'updated' | 'unchanged';

export interface StudyChanges {
  instances: InstanceChange[];
  reports: ReportChange[];
  /** SR files whose study is not in the library (no images here nor from an earlier import). */
  reportsWithoutStudy: ExaminedReport[];
}

export class ImportStore {
  private readonly repo: IngestRepo;
  private readonly findDoneStmt;
  private readonly findInstanceStmt;
  private readonly hashInUseStmt;
  private readonly studyByUidStmt;
  private readonly putImportedStmt;
  private readonly putRejectedStmt;

  constructor(private readonly db: Db) {
    this.repo = new IngestRepo(db);
    // An unchanged file counts as done only while the instance it holds is still in the library.
    this.findDoneStmt = db.prepare(`
      SELECT f.status, f.reason, f.detail FROM import_files f
      LEFT JOIN instances i ON i.sop_instance_uid = f.sop_instance_uid
      WHERE f.path = ? AND f.size_bytes = ? AND f.mtime_ms = ? AND (f.status = 'rejected' OR i.id IS NOT NULL)`);
    this.findInstanceStmt = db.prepare('SELECT path, content_hash FROM instances WHERE sop_instance_uid = ?');
    this.hashInUseStmt = db.prepare('SELECT 1 FROM instances WHERE content_hash = ? LIMIT 1');
    this.studyByUidStmt = db.prepare('SELECT id FROM studies WHERE study_uid = ?').pluck();
    this.putImportedStmt = db.prepare(`
      INSERT INTO import_files (path, size_bytes, mtime_ms, content_hash, status, sop_instance_uid, reason, detail)
      VALUES (?, ?, ?, ?, 'imported', ?, NULL, NULL)
      ON CONFLICT(path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash,
        status = 'imported', sop_instance_uid = excluded.sop_instance_uid, reason = NULL, detail = NULL,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
    this.putRejectedStmt = db.prepare(`
      INSERT INTO import_files (path, size_bytes, mtime_ms, content_hash, status, sop_instance_uid, reason, detail)
      VALUES (?, ?, ?, ?, 'rejected', NULL, ?, ?)
      ON CONFLICT(path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash,
        status = 'rejected', sop_instance_uid = NULL, reason = excluded.reason, detail = excluded.detail,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
  }

  /** The earlier outcome for an unchanged file (same path, size, mtime), or null when it must be examined. */
  earlierOutcome(path: string, sizeBytes: number, mtimeMs: number): { status: 'imported' } | { status: 'rejected'; reason: RejectionReason; detail: string } | null {
    const row = this.findDoneStmt.get(path, sizeBytes, mtimeMs) as { status: 'imported' | 'rejected'; reason: RejectionReason | null; detail: string | null } | undefined;
    if (!row || (row.status === 'rejected' && row.detail === SR_WITHOUT_STUDY)) return null;
    return row.status === 'imported' ? { status: 'imported' } : { status: 'rejected', reason: row.reason!, detail: row.detail ?? '' };
  }

  /**
   * Writes one study's images and SR reports in one transaction; says what happened to each.
   * A SOP Instance UID names one image: another file with the same UID (a
   * transcoded or copied file) is recorded as imported, as a `duplicate` of the
   * instance, which keeps pointing at its first file while that file exists.
   * Reports go to the study of the images, or to the study already in the library.
   */
  commitStudy(images: readonly ExaminedImage[], source: string, onReplaced?: (oldHash: string) => void, reports: readonly ExaminedReport[] = []): StudyChanges {
    const replaced: string[] = [];
    const changes = this.repo.inTransaction((): StudyChanges => {
      let studyRowId: number | null = null;
      const seriesRowIds = new Map<string, number>();
      const instances = images.map((image): InstanceChange => {
        const { series, instance } = image.meta;
        this.putImportedStmt.run(image.path, image.sizeBytes, image.mtimeMs, image.contentHash, instance.sopInstanceUid);
        const existing = this.findInstanceStmt.get(instance.sopInstanceUid) as { path: string; content_hash: string } | undefined;
        if (existing && existing.path !== image.path && existsSync(existing.path)) return 'duplicate';
        if (existing && existing.content_hash !== image.contentHash) replaced.push(existing.content_hash);
        // Patient and study rows only when the study gets an image: no empty studies.
        studyRowId ??= this.repo.upsertStudy(this.repo.upsertPatient(image.meta.patient), { ...image.meta.study, source });
        let seriesRowId = seriesRowIds.get(series.seriesUid);
        if (seriesRowId === undefined) {
          seriesRowId = this.repo.upsertSeries(studyRowId, series);
          seriesRowIds.set(series.seriesUid, seriesRowId);
        }
        return this.repo.upsertInstance(seriesRowId, { ...instance, path: image.path, contentHash: image.contentHash, sizeBytes: image.sizeBytes }).change;
      });
      if (reports.length === 0) return { instances, reports: [], reportsWithoutStudy: [] };
      const studyId = studyRowId ?? (this.studyByUidStmt.get(reports[0]!.studyUid) as number | undefined);
      if (studyId === undefined) return { instances, reports: [], reportsWithoutStudy: [...reports] };
      const reportChanges = reports.map((r) => {
        this.putImportedStmt.run(r.path, r.sizeBytes, r.mtimeMs, r.contentHash, r.sopInstanceUid);
        return this.repo.putReport(studyId, r.report).change;
      });
      return { instances, reports: reportChanges, reportsWithoutStudy: [] };
    });
    // After the commit: content no instance holds any more (its cache entries can go).
    for (const hash of replaced) if (!this.hashInUseStmt.get(hash)) onReplaced?.(hash);
    return changes;
  }

  recordRejections(entries: readonly (RejectedEntry & { sizeBytes: number; mtimeMs: number; contentHash: string | null })[]): void {
    if (entries.length === 0) return;
    this.repo.inTransaction(() => {
      for (const e of entries) this.putRejectedStmt.run(e.path, e.sizeBytes, e.mtimeMs, e.contentHash, e.reason, e.detail);
    });
  }

  /** Every file rejected so far, by path. */
  listRejected(): RejectedEntry[] {
    return this.db.prepare("SELECT path, reason, detail FROM import_files WHERE status = 'rejected' ORDER BY path").all() as RejectedEntry[];
  }

  counts(): LibraryCounts {
    return libraryCounts(this.db);
  }
}
