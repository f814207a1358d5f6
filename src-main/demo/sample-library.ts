/**
 * A small sample library of study metadata and reports, seeded from a fixed
 * seed: a fast fixture for tests that need rows, not images. Its studies are
 * marked `source = 'sample'` and have no image files. `convirt demo` uses the
 * synthetic DICOM archive instead (archive.ts, import-archive.ts).
 */
import { mulberry32 } from '../../src-shared/random';
import type { Db } from '../db/connection';

const MODALITIES = [
  { modality: 'CR', description: 'CHEST PA AND LATERAL', bodyPart: 'CHEST' },
  { modality: 'DX', description: 'CHEST AP PORTABLE', bodyPart: 'CHEST' },
  { modality: 'CT', description: 'CT CHEST WITHOUT CONTRAST', bodyPart: 'CHEST' },
  { modality: 'MR', description: 'MR BRAIN WITHOUT CONTRAST', bodyPart: 'HEAD' },
] as const;

const FINDINGS = [
  'The lungs are clear. No pleural effusion or pneumothorax.',
  'Small left pleural effusion with adjacent atelectasis.',
  'Mild cardiomegaly. No focal consolidation.',
  'Right lower lobe consolidation concerning for pneumonia.',
  'No acute cardiopulmonary process.',
] as const;

export interface SampleOptions {
  studies: number;
  seed?: number;
  /** Every n-th study gets no report, to exercise the "has report" filter. */
  withoutReportEvery?: number;
}

export function seedSampleLibrary(db: Db, options: SampleOptions): { patients: number; studies: number } {
  const rand = mulberry32(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const patientCount = Math.max(1, Math.ceil(options.studies / 2));
  const insertPatient = db.prepare(
    'INSERT INTO patients (patient_key, patient_id, patient_name, sex) VALUES (?, ?, ?, ?) ON CONFLICT(patient_key) DO UPDATE SET patient_id = excluded.patient_id RETURNING id',
  );
  const insertStudy = db.prepare(
    `INSERT INTO studies (patient_id, study_uid, study_date, accession_number, description, modalities, body_part, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'sample') RETURNING id`,
  );
  const insertSeries = db.prepare('INSERT INTO series (study_id, series_uid, modality, series_number, description, body_part) VALUES (?, ?, ?, 1, ?, ?)');
  const insertReport = db.prepare("INSERT INTO reports (study_id, raw_text, source, sections_json) VALUES (?, ?, 'sample', ?)");
  const every = options.withoutReportEvery ?? 5;
  db.transaction(() => {
    const patientIds: number[] = [];
    for (let p = 0; p < patientCount; p++) {
      const key = `SAMPLE-${String(p + 1).padStart(5, '0')}`;
      const row = insertPatient.get(key, key, `SAMPLE^PATIENT${p + 1}`, rand() < 0.5 ? 'F' : 'M') as { id: number };
      patientIds.push(row.id);
    }
    for (let s = 0; s < options.studies; s++) {
      const kind = pick(MODALITIES);
      const day = new Date(Date.UTC(2015, 0, 1) + Math.floor(rand() * 3650) * 86_400_000).toISOString().slice(0, 10);
      const uid = `2.25.${(options.seed ?? 42) * 1_000_000 + s + 1}`;
      const study = insertStudy.get(patientIds[s % patientCount], uid, day, `ACC${String(s + 1).padStart(6, '0')}`, kind.description, kind.modality, kind.bodyPart) as {
        id: number;
      };
      insertSeries.run(study.id, `${uid}.1`, kind.modality, kind.description, kind.bodyPart);
      if (every > 0 && (s + 1) % every === 0) continue;
      const findings = pick(FINDINGS);
      const impression = findings.startsWith('No') || findings.startsWith('The lungs') ? 'No acute disease.' : findings.split('.')[0] + '.';
      const raw = `FINDINGS: ${findings}\n\nIMPRESSION: ${impression}`;
      insertReport.run(study.id, raw, JSON.stringify([{ name: 'FINDINGS', text: findings }, { name: 'IMPRESSION', text: impression }]));
    }
  })();
  return { patients: patientCount, studies: options.studies };
}
