/**
 * Training pairs from a library: every image whose study has a report, paired
 * with the study's first report; the patient key groups the validation split.
 * DICOM images are read from the importer's preprocessed cache (beside the
 * library, see ingest/cache/image-cache.ts); images imported from image +
 * table layouts (PNG / JPEG, no transfer syntax) are decoded from their file,
 * gray, at most the cache's longest side.
 */
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import type { GrayImage } from '../augment/image';
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import { DEFAULT_LONGEST_SIDE, cacheDirFor, cacheEntryPath, readCacheEntry } from '../../ingest/cache/image-cache';
import type { ReportSection } from '../augment/text-augment';
import type { PairSource } from './data';

interface PairRow {
  instanceId: number;
  path: string;
  transferSyntax: string | null;
  contentHash: string;
  patientKey: string;
  rawText: string;
  sectionsJson: string;
}

export interface LibrarySourceInfo {
  /** Images with a report and a cache entry: the pairs. */
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

async function fromCache(path: string): Promise<GrayImage> {
  const { info, samples } = await readCacheEntry(path);
  const top = info.bitDepth === 16 ? 65535 : 255;
  const data = new Float32Array(samples.length);
  for (let k = 0; k < samples.length; k++) data[k] = samples[k]! / top;
  return { data, width: info.width, height: info.height };
}

async function fromImageFile(path: string, longestSide: number): Promise<GrayImage> {
  const { data, info } = await sharp(path)
    .grayscale()
    .resize({ width: longestSide, height: longestSide, fit: 'inside', withoutEnlargement: true })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: Float32Array.from(data, (v) => v / 255), width: info.width, height: info.height };
}

export function librarySource(db: Db, libraryPath: string, options: { longestSide?: number } = {}): LibrarySource {
  const cacheDir = cacheDirFor(libraryPath);
  const side = options.longestSide ?? DEFAULT_LONGEST_SIDE;
  const rows = db
    .prepare(
      `SELECT i.id AS instanceId, i.path AS path, i.transfer_syntax_uid AS transferSyntax, i.content_hash AS contentHash, p.patient_key AS patientKey, r.raw_text AS rawText, r.sections_json AS sectionsJson
       FROM instances i
       JOIN series s ON s.id = i.series_id
       JOIN studies st ON st.id = s.study_id
       JOIN patients p ON p.id = st.patient_id
       JOIN reports r ON r.id = (SELECT min(id) FROM reports WHERE study_id = st.id)
       ORDER BY i.id`,
    )
    .all() as PairRow[];
  const cached = (r: PairRow) => existsSync(cacheEntryPath(cacheDir, r.contentHash, 0, side));
  const present = rows.filter((r) => cached(r) || (r.transferSyntax === null && existsSync(r.path)));
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
      const image = cached(row) ? await fromCache(cacheEntryPath(cacheDir, row.contentHash, 0, side)) : await fromImageFile(row.path, side);
      return { image, reportText: row.rawText, sections: sections[i]!, patientKey: row.patientKey };
    },
  };
}
