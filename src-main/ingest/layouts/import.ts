/**
 * Writes a layout's studies into the library through IngestRepo: one
 * transaction per study (patient, study, one series per image, instances,
 * report, labels), so a study lands whole or not at all. Idempotent: synthetic
 * UIDs are derived from the layout's stable keys, so importing again finds the
 * same rows and adds nothing; a changed image updates its instance.
 */
import type { Db } from '../../db/connection';
import { IngestRepo } from '../../db/ingest-repo';
import { AppError } from '../../../src-shared/result';
import { reportRecord } from '../reports/parse';
import { readImageFacts, isRejection, type ImageFacts } from './image-facts';
import { LabelStore } from './label-store';
import type { LayoutContent, LayoutRejection, LayoutStudy } from './types';
import { syntheticUid } from './uids';

export interface LayoutCounts {
  patients: number;
  studies: number;
  series: number;
  instances: number;
  reports: number;
  labels: number;
}

export interface LayoutImportSummary extends LayoutCounts {
  layout: LayoutContent['layout'];
  /** The top-level counts are rows this run added; these are rows it changed (labels: changed or removed). */
  updated: { instances: number; reports: number; labels: number };
  /** Studies the layout holds that are now in the library (new or already there). */
  studiesSeen: number;
  rejected: LayoutRejection[];
  elapsedSeconds: number;
}

export interface LayoutProgress {
  studiesDone: number;
  studiesTotal: number;
  imagesDone: number;
  bytesDone: number;
  rejected: number;
  elapsedSeconds: number;
  studiesPerSecond: number;
  /** Seconds left at the current rate; null until there is a rate. */
  etaSeconds: number | null;
}

export interface WriteOptions {
  /** studies.source for new studies; default the layout name. */
  source?: string;
  /** Studies whose image files are read at the same time (hashing overlaps disk reads). Default 8. */
  batchSize?: number;
  signal?: AbortSignal;
}

const TABLES = ['patients', 'studies', 'series', 'instances', 'reports', 'labels'] as const;

function tableCounts(db: Db): LayoutCounts {
  const row = db.prepare(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`).get() as LayoutCounts;
  return { ...row };
}

export async function writeLayout(db: Db, content: LayoutContent, options: WriteOptions = {}, onProgress?: (p: LayoutProgress) => void): Promise<LayoutImportSummary> {
  const started = performance.now();
  const repo = new IngestRepo(db);
  const labels = new LabelStore(db);
  const source = options.source ?? content.layout;
  const schemaIds = repo.inTransaction(() => new Map(content.schemas.map((s) => [s.name, labels.ensureSchema(s)] as const)));
  const before = tableCounts(db);
  const rejected = [...content.rejected];
  const updated = { instances: 0, reports: 0, labels: 0 };
  let labelsAdded = 0;
  const progress = { studiesDone: 0, imagesDone: 0, bytesDone: 0, studiesSeen: 0 };
  const batchSize = Math.max(1, options.batchSize ?? 8);

  const writeStudy = (study: LayoutStudy, facts: (ImageFacts | null)[]): void => {
    const studyUid = syntheticUid(content.layout, 'study', study.key);
    repo.inTransaction(() => {
      const patientRowId = repo.upsertPatient({ patientKey: study.patient.key, patientId: study.patient.id, sex: study.patient.sex ?? null });
      const studyRowId = repo.upsertStudy(patientRowId, { studyUid, studyDate: study.studyDate ?? null, description: study.description ?? null, source });
      study.images.forEach((image, i) => {
        const f = facts[i];
        if (!f) return;
        const seriesRowId = repo.upsertSeries(studyRowId, {
          seriesUid: syntheticUid(content.layout, 'series', study.key, image.key),
          modality: image.modality,
          seriesNumber: i + 1,
          viewPosition: image.viewPosition ?? null,
        });
        const change = repo.upsertInstance(seriesRowId, {
          sopInstanceUid: syntheticUid(content.layout, 'instance', study.key, image.key),
          instanceNumber: 1,
          path: image.path,
          contentHash: f.contentHash,
          sizeBytes: f.sizeBytes,
          rows: f.rows,
          columns: f.columns,
          frames: 1,
          photometricInterpretation: 'MONOCHROME2',
          viewPosition: image.viewPosition ?? null,
        }).change;
        if (change === 'updated') updated.instances++;
      });
      if (study.report) {
        const change = repo.putReport(studyRowId, reportRecord(study.report.text, study.report.source, study.report.sourcePath)).change;
        if (change === 'updated') updated.reports++;
      }
      const labelChanges = labels.syncStudyLabels(studyRowId, schemaIds, study.labels);
      labelsAdded += labelChanges.added;
      updated.labels += labelChanges.updated + labelChanges.removed;
    });
  };

  const total = content.studies.length;
  for (let at = 0; at < total; at += batchSize) {
    if (options.signal?.aborted) throw new AppError('cancelled', 'layout import cancelled');
    const batch = content.studies.slice(at, at + batchSize);
    const batchFacts = await Promise.all(batch.map((s) => Promise.all(s.images.map((img) => readImageFacts(img.path)))));
    batch.forEach((study, b) => {
      const facts = (batchFacts[b] ?? []).map((f) => {
        if (isRejection(f)) {
          rejected.push(f);
          return null;
        }
        progress.imagesDone++;
        progress.bytesDone += f.sizeBytes;
        return f;
      });
      if (facts.some((f) => f !== null)) {
        writeStudy(study, facts);
        progress.studiesSeen++;
      }
      progress.studiesDone++;
    });
    if (onProgress) {
      const elapsedSeconds = (performance.now() - started) / 1000;
      const studiesPerSecond = elapsedSeconds > 0 ? progress.studiesDone / elapsedSeconds : 0;
      onProgress({
        studiesDone: progress.studiesDone,
        studiesTotal: total,
        imagesDone: progress.imagesDone,
        bytesDone: progress.bytesDone,
        rejected: rejected.length,
        elapsedSeconds,
        studiesPerSecond,
        etaSeconds: studiesPerSecond > 0 ? (total - progress.studiesDone) / studiesPerSecond : null,
      });
    }
  }
  const after = tableCounts(db);
  // Nothing here deletes patients .. reports, so the growth of each table is what this run added.
  const added: LayoutCounts = {
    patients: after.patients - before.patients,
    studies: after.studies - before.studies,
    series: after.series - before.series,
    instances: after.instances - before.instances,
    reports: after.reports - before.reports,
    labels: labelsAdded,
  };
  return { layout: content.layout, ...added, updated, studiesSeen: progress.studiesSeen, rejected, elapsedSeconds: (performance.now() - started) / 1000 };
}
