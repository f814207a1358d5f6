/**
 * A large library written straight with SQL in one transaction (100,000
 * studies in seconds): patients, one series and image per study, a report for
 * most (so the FTS5 index and its triggers fill as the importer's rows would),
 * CheXpert labels and suggestions for some, and a train/val/test split. Each
 * image points at one of a few small PNG files so thumbnails can be drawn.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { CHEXPERT_OBSERVATIONS, CHEXPERT_SCHEMA_NAME, ChexpertValue } from '../../src-shared/contract/labels';
import { mulberry32 } from '../../src-shared/random';
import type { Db } from '../../src-main/db/connection';

const MODALITIES = ['CR', 'DX', 'CT', 'MR'] as const;
const DESCRIPTIONS = ['CHEST PA AND LATERAL', 'CHEST AP PORTABLE', 'CT CHEST WITHOUT CONTRAST', 'MR BRAIN WITHOUT CONTRAST'] as const;
const SENTENCES = [
  'The lungs are clear.',
  'No pleural effusion or pneumothorax.',
  'Small left pleural effusion with adjacent atelectasis.',
  'Mild cardiomegaly.',
  'No focal consolidation.',
  'Right lower lobe consolidation concerning for pneumonia.',
  'Stable appearance of the mediastinum.',
  'Degenerative changes of the thoracic spine.',
  'Endotracheal tube terminates 4 cm above the carina.',
  'Interval resolution of the right basilar opacity.',
] as const;
/** A word only a few reports carry, for a search with a known, small answer. */
export const RARE_WORD = 'azygoesophageal';

function writeGradientPng(path: string, seed: number): void {
  const size = 128;
  const png = new PNG({ width: size, height: size, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const data = Buffer.alloc(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = (x * (seed + 1) + y * 2) % 256;
  png.data = data;
  writeFileSync(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false }));
}

export interface BigLibraryOptions {
  studies: number;
  /** Folder for the few PNG files the images point at. */
  imageDir: string;
  seed?: number;
  /** Every n-th study carries RARE_WORD in its report. */
  rareEvery?: number;
}

export function seedBigLibrary(db: Db, options: BigLibraryOptions): { studies: number; rare: number } {
  const rand = mulberry32(options.seed ?? 11);
  const images = Array.from({ length: 6 }, (_, i) => {
    const path = join(options.imageDir, `thumb-${i}.png`);
    writeGradientPng(path, i);
    return path;
  });
  const rareEvery = options.rareEvery ?? 997;
  let rare = 0;
  db.transaction(() => {
    db.prepare(`INSERT INTO label_schemas (name, kind, definition_json, built_in) VALUES (?, 'chexpert', ?, 1) ON CONFLICT(name) DO NOTHING`).run(
      CHEXPERT_SCHEMA_NAME,
      JSON.stringify({ labels: CHEXPERT_OBSERVATIONS, values: ChexpertValue.options }),
    );
    const schemaId = (db.prepare('SELECT id FROM label_schemas WHERE name = ?').get(CHEXPERT_SCHEMA_NAME) as { id: number }).id;
    const datasetId = (db.prepare("INSERT INTO datasets (name, seed) VALUES ('big-split', 1) RETURNING id").get() as { id: number }).id;
    const insertPatient = db.prepare('INSERT INTO patients (patient_key, patient_id, patient_name) VALUES (?, ?, ?) RETURNING id');
    const insertStudy = db.prepare(
      `INSERT INTO studies (patient_id, study_uid, study_date, accession_number, description, modalities, source) VALUES (?, ?, ?, ?, ?, ?, 'bench') RETURNING id`,
    );
    const insertSeries = db.prepare('INSERT INTO series (study_id, series_uid, modality, series_number) VALUES (?, ?, ?, 1) RETURNING id');
    const insertInstance = db.prepare('INSERT INTO instances (series_id, sop_instance_uid, instance_number, path, content_hash, size_bytes, rows, columns) VALUES (?, ?, 1, ?, ?, 1000, 128, 128)');
    const insertReport = db.prepare("INSERT INTO reports (study_id, raw_text, source) VALUES (?, ?, 'bench')");
    const insertLabel = db.prepare('INSERT INTO labels (study_id, schema_id, label, value, source) VALUES (?, ?, ?, ?, ?)');
    const insertSplit = db.prepare('INSERT INTO dataset_splits (dataset_id, study_id, split) VALUES (?, ?, ?)');
    const patientIds: number[] = [];
    for (let p = 0; p < Math.ceil(options.studies / 4); p++) {
      const key = `BIG-${String(p + 1).padStart(6, '0')}`;
      patientIds.push((insertPatient.get(key, key, `BIG^PATIENT${p + 1}`) as { id: number }).id);
    }
    const start = Date.UTC(2005, 0, 1);
    for (let s = 0; s < options.studies; s++) {
      const kind = Math.floor(rand() * MODALITIES.length);
      const date = new Date(start + Math.floor(rand() * 20 * 365) * 86_400_000).toISOString().slice(0, 10);
      const studyId = (insertStudy.get(patientIds[s % patientIds.length], `2.25.9.${s + 1}`, date, `ACC${s + 1}`, DESCRIPTIONS[kind], MODALITIES[kind]) as { id: number }).id;
      const seriesId = (insertSeries.get(studyId, `2.25.9.${s + 1}.1`, MODALITIES[kind]) as { id: number }).id;
      insertInstance.run(seriesId, `2.25.9.${s + 1}.1.1`, images[s % images.length], `bench-${s + 1}`);
      if (s % 10 !== 9) {
        const sentences: string[] = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => SENTENCES[Math.floor(rand() * SENTENCES.length)]!);
        if (s % rareEvery === 0) {
          sentences.push(`Prominent ${RARE_WORD} recess.`);
          rare++;
        }
        insertReport.run(studyId, `FINDINGS: ${sentences.join(' ')}\nIMPRESSION: ${sentences[0]}`);
      }
      if (s % 7 === 0) {
        const count = 1 + Math.floor(rand() * CHEXPERT_OBSERVATIONS.length);
        for (const label of CHEXPERT_OBSERVATIONS.slice(0, count)) insertLabel.run(studyId, schemaId, label, 'negative', 'human');
      } else if (s % 7 === 1) {
        insertLabel.run(studyId, schemaId, CHEXPERT_OBSERVATIONS[0], 'positive', 'suggested');
      }
      const r = rand();
      insertSplit.run(datasetId, studyId, r < 0.8 ? 'train' : r < 0.9 ? 'val' : 'test');
    }
  })();
  return { studies: options.studies, rare };
}
