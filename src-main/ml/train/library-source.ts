/**
 * Training pairs from a library: every image whose study has a report and
 * whose preprocessed cache entry exists (the importer writes them beside the
 * library, see ingest/cache/image-cache.ts), paired with the study's first
 * report; the patient key groups the validation split.
 */
import { existsSync } from 'node:fs';
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import { DEFAULT_LONGEST_SIDE, cacheDirFor, cacheEntryPath, readCacheEntry } from '../../ingest/cache/image-cache';
import type { ReportSection } from '../augment/text-augment';
import type { PairSource } from './data';

interface PairRow {
  instanceId: number;
  contentHash: string;
  patientKey: string;
  rawText: string;
  sectionsJson: string;
}

export interface LibrarySourceInfo {
  /** Images with a report and a cache entry: the pairs. */
  pairs: number;
  /** Images with a report but no cache entry (import them again with decoding on). */
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

export function librarySource(db: Db, libraryPath: string, options: { longestSide?: number } = {}): LibrarySource {
  const cacheDir = cacheDirFor(libraryPath);
  const side = options.longestSide ?? DEFAULT_LONGEST_SIDE;
  const rows = db
    .prepare(
      `SELECT i.id AS instanceId, i.content_hash AS contentHash, p.patient_key AS patientKey, r.raw_text AS rawText, r.sections_json AS sectionsJson
       FROM instances i
       JOIN series s ON s.id = i.series_id
       JOIN studies st ON st.id = s.study_id
       JOIN patients p ON p.id = st.patient_id
       JOIN reports r ON r.id = (SELECT min(id) FROM reports WHERE study_id = st.id)
       ORDER BY i.id`,
    )
    .all() as PairRow[];
  const present = rows.filter((r) => existsSync(cacheEntryPath(cacheDir, r.contentHash, 0, side)));
  if (present.length < 2) {
    throw new AppError(
      'bad_request',
      `library ${libraryPath} has ${present.length} image-report pair(s) with a cached image (${rows.length} with a report); pretraining needs at least 2`,
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
      const { info, samples } = await readCacheEntry(cacheEntryPath(cacheDir, row.contentHash, 0, side));
      const top = info.bitDepth === 16 ? 65535 : 255;
      const data = new Float32Array(samples.length);
      for (let k = 0; k < samples.length; k++) data[k] = samples[k]! / top;
      return { image: { data, width: info.width, height: info.height }, reportText: row.rawText, sections: sections[i]!, patientKey: row.patientKey };
    },
  };
}
