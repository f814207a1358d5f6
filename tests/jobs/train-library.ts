/**
 * A real library file for training tests: studies written through the
 * importer's repository, their images through the importer's cache writer
 * (8-bit grayscale PNGs beside the library), and MIMIC-style reports with
 * FINDINGS and IMPRESSION sections. Images and reports come from tinyPairs.
 */
import { join } from 'node:path';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { IngestRepo } from '../../src-main/db/ingest-repo';
import { cacheDirFor, writeCacheEntry } from '../../src-main/ingest/cache/image-cache';
import type { DecodedFrame } from '../../src-main/ingest/pixels/decode';
import { tinyPairs } from '../ml/train/tiny';
import { tempDir } from '../helpers/temp';

function frameOf(data: Float32Array, size: number): DecodedFrame {
  const stored = Uint8Array.from(data, (v) => Math.round(v * 255));
  return {
    frameIndex: 0,
    frames: 1,
    rows: size,
    columns: size,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    bitsStored: 8,
    signed: false,
    stored,
    modality: Float32Array.from(stored),
    window: { center: 128, width: 256, source: 'voi' },
    invert: false,
    render8: () => stored,
  } as DecodedFrame;
}

/** `dir`: where the library goes; by default a temp folder removed when the calling test's scope ends. */
export async function trainingLibrary(count: number, size = 40, dir = tempDir('convirt-train-lib-')): Promise<{ db: Db; path: string }> {
  const path = join(dir, 'library.sqlite');
  const db = openLibrary(path);
  const repo = new IngestRepo(db);
  const pairs = tinyPairs(count, size);
  for (const [i, pair] of pairs.entries()) {
    const hash = i.toString(16).padStart(64, 'a');
    db.transaction(() => {
      const patient = repo.upsertPatient({ patientKey: pair.patientKey, patientId: pair.patientKey });
      const study = repo.upsertStudy(patient, { studyUid: `1.2.3.${i}`, source: 'test' });
      const series = repo.upsertSeries(study, { seriesUid: `1.2.3.${i}.1`, modality: 'CR' });
      repo.upsertInstance(series, { sopInstanceUid: `1.2.3.${i}.1.1`, path: `/nowhere/${i}.dcm`, contentHash: hash, sizeBytes: 1, rows: size, columns: size });
      repo.putReport(study, { rawText: pair.reportText, source: 'txt', sections: pair.sections, sentences: [] });
    })();
    await writeCacheEntry(cacheDirFor(path), hash, frameOf(pair.image.data, size));
  }
  return { db, path };
}
