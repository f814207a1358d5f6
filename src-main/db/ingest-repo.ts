/**
 * Writes for importers: idempotent upserts of the patient / study / series /
 * instance hierarchy and of reports with their sections and sentences. Callers
 * wrap one study's writes in `db.transaction` so a study lands whole or not at all.
 */
import type { Db } from './connection';

export interface PatientRecord {
  /** Grouping key: the DICOM PatientID, or a synthesised key when absent. */
  patientKey: string;
  patientId: string | null;
  patientName?: string | null;
  sex?: string | null;
  birthDate?: string | null;
}

export interface StudyRecord {
  studyUid: string;
  studyDate?: string | null; // YYYY-MM-DD
  studyTime?: string | null;
  accessionNumber?: string | null;
  description?: string | null;
  bodyPart?: string | null;
  source: string;
}

export interface SeriesRecord {
  seriesUid: string;
  modality?: string | null;
  seriesNumber?: number | null;
  description?: string | null;
  bodyPart?: string | null;
  viewPosition?: string | null;
}

export interface InstanceRecord {
  sopInstanceUid: string;
  instanceNumber?: number | null;
  path: string;
  contentHash: string;
  sizeBytes: number;
  transferSyntaxUid?: string | null;
  rows?: number | null;
  columns?: number | null;
  frames?: number;
  bitsAllocated?: number | null;
  bitsStored?: number | null;
  pixelRepresentation?: number | null;
  photometricInterpretation?: string | null;
  rescaleSlope?: number | null;
  rescaleIntercept?: number | null;
  windowCenter?: number | null;
  windowWidth?: number | null;
  viewPosition?: string | null;
}

export interface ReportRecord {
  rawText: string;
  source: string;
  sourcePath?: string | null;
  sections: { name: string; text: string }[];
  sentences: { section: string | null; text: string; start: number; end: number }[];
}

const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

export class IngestRepo {
  private readonly upsertPatientStmt;
  private readonly upsertStudyStmt;
  private readonly upsertSeriesStmt;
  private readonly findInstanceStmt;
  private readonly upsertInstanceStmt;
  private readonly refreshModalitiesStmt;
  private readonly findReportStmt;
  private readonly deleteReportStmt;
  private readonly insertReportStmt;
  private readonly insertSentenceStmt;

  constructor(private readonly db: Db) {
    this.upsertPatientStmt = db.prepare(`
      INSERT INTO patients (patient_key, patient_id, patient_name, sex, birth_date)
      VALUES (@patientKey, @patientId, @patientName, @sex, @birthDate)
      ON CONFLICT(patient_key) DO UPDATE SET
        patient_name = coalesce(excluded.patient_name, patient_name),
        sex = coalesce(excluded.sex, sex),
        birth_date = coalesce(excluded.birth_date, birth_date)
      RETURNING id`);
    this.upsertStudyStmt = db.prepare(`
      INSERT INTO studies (patient_id, study_uid, study_date, study_time, accession_number, description, body_part, source)
      VALUES (@patientRowId, @studyUid, @studyDate, @studyTime, @accessionNumber, @description, @bodyPart, @source)
      ON CONFLICT(study_uid) DO UPDATE SET
        study_date = coalesce(excluded.study_date, study_date),
        study_time = coalesce(excluded.study_time, study_time),
        accession_number = coalesce(excluded.accession_number, accession_number),
        description = coalesce(excluded.description, description),
        body_part = coalesce(excluded.body_part, body_part)
      RETURNING id`);
    this.upsertSeriesStmt = db.prepare(`
      INSERT INTO series (study_id, series_uid, modality, series_number, description, body_part, view_position)
      VALUES (@studyRowId, @seriesUid, @modality, @seriesNumber, @description, @bodyPart, @viewPosition)
      ON CONFLICT(series_uid) DO UPDATE SET
        modality = coalesce(excluded.modality, modality),
        series_number = coalesce(excluded.series_number, series_number),
        description = coalesce(excluded.description, description),
        body_part = coalesce(excluded.body_part, body_part),
        view_position = coalesce(excluded.view_position, view_position)
      RETURNING id`);
    this.findInstanceStmt = db.prepare('SELECT id, content_hash, path FROM instances WHERE sop_instance_uid = ?');
    this.upsertInstanceStmt = db.prepare(`
      INSERT INTO instances (series_id, sop_instance_uid, instance_number, path, content_hash, size_bytes, transfer_syntax_uid,
        rows, columns, frames, bits_allocated, bits_stored, pixel_representation, photometric_interpretation,
        rescale_slope, rescale_intercept, window_center, window_width, view_position)
      VALUES (@seriesRowId, @sopInstanceUid, @instanceNumber, @path, @contentHash, @sizeBytes, @transferSyntaxUid,
        @rows, @columns, @frames, @bitsAllocated, @bitsStored, @pixelRepresentation, @photometricInterpretation,
        @rescaleSlope, @rescaleIntercept, @windowCenter, @windowWidth, @viewPosition)
      ON CONFLICT(sop_instance_uid) DO UPDATE SET
        series_id = excluded.series_id, instance_number = excluded.instance_number, path = excluded.path,
        content_hash = excluded.content_hash, size_bytes = excluded.size_bytes, transfer_syntax_uid = excluded.transfer_syntax_uid,
        rows = excluded.rows, columns = excluded.columns, frames = excluded.frames, bits_allocated = excluded.bits_allocated,
        bits_stored = excluded.bits_stored, pixel_representation = excluded.pixel_representation,
        photometric_interpretation = excluded.photometric_interpretation, rescale_slope = excluded.rescale_slope,
        rescale_intercept = excluded.rescale_intercept, window_center = excluded.window_center,
        window_width = excluded.window_width, view_position = excluded.view_position
      RETURNING id`);
    this.refreshModalitiesStmt = db.prepare(`
      UPDATE studies SET modalities = (
        SELECT group_concat(modality, '\\') FROM (SELECT DISTINCT modality FROM series WHERE study_id = @id AND modality IS NOT NULL ORDER BY modality)
      ) WHERE id = @id`);
    this.findReportStmt = db.prepare('SELECT id, raw_text FROM reports WHERE study_id = ? AND source = ?');
    this.deleteReportStmt = db.prepare('DELETE FROM reports WHERE id = ?');
    this.insertReportStmt = db.prepare(
      'INSERT INTO reports (study_id, raw_text, source, source_path, sections_json) VALUES (?, ?, ?, ?, ?) RETURNING id',
    );
    this.insertSentenceStmt = db.prepare(
      'INSERT INTO report_sentences (report_id, section, ordinal, text, start_offset, end_offset) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  upsertPatient(p: PatientRecord): number {
    return (
      this.upsertPatientStmt.get({
        patientKey: p.patientKey,
        patientId: p.patientId,
        patientName: n(p.patientName),
        sex: n(p.sex),
        birthDate: n(p.birthDate),
      }) as { id: number }
    ).id;
  }

  upsertStudy(patientRowId: number, s: StudyRecord): number {
    return (
      this.upsertStudyStmt.get({
        patientRowId,
        studyUid: s.studyUid,
        studyDate: n(s.studyDate),
        studyTime: n(s.studyTime),
        accessionNumber: n(s.accessionNumber),
        description: n(s.description),
        bodyPart: n(s.bodyPart),
        source: s.source,
      }) as { id: number }
    ).id;
  }

  upsertSeries(studyRowId: number, s: SeriesRecord): number {
    const id = (
      this.upsertSeriesStmt.get({
        studyRowId,
        seriesUid: s.seriesUid,
        modality: n(s.modality),
        seriesNumber: n(s.seriesNumber),
        description: n(s.description),
        bodyPart: n(s.bodyPart),
        viewPosition: n(s.viewPosition),
      }) as { id: number }
    ).id;
    this.refreshModalitiesStmt.run({ id: studyRowId });
    return id;
  }

  /** Inserts or updates an instance; says whether anything changed (same hash and path = unchanged). */
  upsertInstance(seriesRowId: number, i: InstanceRecord): { id: number; change: 'added' | 'updated' | 'unchanged' } {
    const existing = this.findInstanceStmt.get(i.sopInstanceUid) as { id: number; content_hash: string; path: string } | undefined;
    if (existing && existing.content_hash === i.contentHash && existing.path === i.path) return { id: existing.id, change: 'unchanged' };
    const row = this.upsertInstanceStmt.get({
      seriesRowId,
      sopInstanceUid: i.sopInstanceUid,
      instanceNumber: n(i.instanceNumber),
      path: i.path,
      contentHash: i.contentHash,
      sizeBytes: i.sizeBytes,
      transferSyntaxUid: n(i.transferSyntaxUid),
      rows: n(i.rows),
      columns: n(i.columns),
      frames: i.frames ?? 1,
      bitsAllocated: n(i.bitsAllocated),
      bitsStored: n(i.bitsStored),
      pixelRepresentation: n(i.pixelRepresentation),
      photometricInterpretation: n(i.photometricInterpretation),
      rescaleSlope: n(i.rescaleSlope),
      rescaleIntercept: n(i.rescaleIntercept),
      windowCenter: n(i.windowCenter),
      windowWidth: n(i.windowWidth),
      viewPosition: n(i.viewPosition),
    }) as { id: number };
    return { id: row.id, change: existing ? 'updated' : 'added' };
  }

  /**
   * Stores a study's report from one source, replacing an earlier one from the
   * same source when its text changed; identical text is left alone.
   */
  putReport(studyRowId: number, r: ReportRecord): { id: number; change: 'added' | 'updated' | 'unchanged' } {
    const existing = this.findReportStmt.get(studyRowId, r.source) as { id: number; raw_text: string } | undefined;
    if (existing && existing.raw_text === r.rawText) return { id: existing.id, change: 'unchanged' };
    if (existing) this.deleteReportStmt.run(existing.id);
    const id = (this.insertReportStmt.get(studyRowId, r.rawText, r.source, n(r.sourcePath), JSON.stringify(r.sections)) as { id: number }).id;
    r.sentences.forEach((s, ordinal) => this.insertSentenceStmt.run(id, s.section, ordinal, s.text, s.start, s.end));
    return { id, change: existing ? 'updated' : 'added' };
  }

  /** Runs `fn` in one transaction: everything it writes lands, or nothing does. */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
