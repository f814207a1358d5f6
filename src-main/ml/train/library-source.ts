/**
 * Training pairs from a library: every image whose study has a report, paired
 * with the study's first report; the patient key groups the validation split.
 * Images are read exactly as the evaluation and search read them
 * (eval/features/study-images.ts): the importer's preprocessed cache entry
 * for DICOM, else the plain PNG / JPEG file of image + table layouts (the
 * COVID collection writes no cache), gray, at most the cache's longest side.
 */
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import { canLoadGrayImage, loadGrayImage } from '../../eval/features/study-images';
import type { ReportSection } from '../augment/text-augment';
import type { PairSource } from './data';

interface PairRow {
  instanceId: number;
  path: string;
  contentHash: string;
  patientKey: string;
  rawText: string;
  sectionsJson: string;
}

export interface LibrarySourceInfo {
  /** Images with a report and a readable image (cache entry or plain image file): the pairs. */
  pairs: number;
  /** DICOM images with a report but no cache entry (import them again with decoding on), or image files gone missing. */
  missingCache: number;
  patients: number;
}

export interface LibrarySource extends PairSource {
  info: LibrarySourceInfo;
  /** Every report's raw text, for building a vocabulary. */
  reportTexts(): string[];
}

function parseSections(json: string): ReportSection[] {
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed.filter((s): s is ReportSection => typeof s?.name === 'string' && typeof s?.text === 'string') : [];
  } catch {
    return [];
  }
}

export function librarySource(db: Db, libraryPath: string): LibrarySource {
  const rows = db
    .prepare(
      `SELECT i.id AS instanceId, i.path AS path, i.content_hash AS contentHash, p.patient_key AS patientKey, r.raw_text AS rawText, r.sections_json AS sectionsJson
       FROM instances i
       JOIN series s ON s.id = i.series_id
       JOIN studies st ON st.id = s.study_id
       JOIN patients p ON p.id = st.patient_id
       JOIN reports r ON r.id = (SELECT min(id) FROM reports WHERE study_id = st.id)
       ORDER BY i.id`,
    )
    .all() as PairRow[];
  const present = rows.filter((r) => canLoadGrayImage(libraryPath, r));
  if (present.length < 2) {
    throw new AppError(
      'bad_request',
      `library ${libraryPath} has ${present.length} image-report pair(s) with a readable image (cache entry or image file; ${rows.length} with a report); pretraining needs at least 2`,
    );
  }
  const sections = present.map((r) => parseSections(r.sectionsJson));
  return {
    size: present.length,
    info: { pairs: present.length, missingCache: rows.length - present.length, patients: new Set(present.map((r) => r.patientKey)).size },
    patientKey: (i) => present[i]!.patientKey,
    reportTexts: () => [...new Set(present.map((r) => r.rawText))],
    async load(i) {
      const row = present[i]!;
      const image = await loadGrayImage(libraryPath, row);
      return { image, reportText: row.rawText, sections: sections[i]!, patientKey: row.patientKey };
    },
  };
}
