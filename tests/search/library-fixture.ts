/** A small real library (SQLite file in a temp dir) with studies, images, reports, sentences and labels. */
import { join } from 'node:path';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { tempDir } from '../helpers/temp';

export interface SeededStudy {
  studyId: number;
  instanceIds: number[];
  sentenceIds: number[];
}

export interface StudySpec {
  modality?: string;
  date?: string;
  sentences?: string[];
  images?: number;
  labels?: { label: string; value: string; source: 'human' | 'imported' | 'suggested' }[];
}

export function openTempLibrary(): { db: Db; path: string } {
  const path = join(tempDir('convirt-search-'), 'library.sqlite');
  return { db: openLibrary(path), path };
}

export function seedStudies(db: Db, specs: StudySpec[]): SeededStudy[] {
  const patient = db.prepare("INSERT INTO patients (patient_key) VALUES ('P-search') ON CONFLICT DO UPDATE SET sex = sex RETURNING id").get() as { id: number };
  const schema = db
    .prepare("INSERT INTO label_schemas (name, kind, definition_json) VALUES ('findings', 'multilabel', '{}') ON CONFLICT DO UPDATE SET kind = kind RETURNING id")
    .get() as { id: number };
  const out: SeededStudy[] = [];
  const seed = db.transaction(() => {
    for (const spec of specs) {
      const n = (db.prepare('SELECT max(id) AS n FROM studies').get() as { n: number | null }).n ?? 0;
      const modality = spec.modality ?? 'CR';
      const study = db
        .prepare('INSERT INTO studies (patient_id, study_uid, study_date, modalities) VALUES (?, ?, ?, ?) RETURNING id')
        .get(patient.id, `1.2.826.0.${n + 1}`, spec.date ?? '2020-01-01', modality) as { id: number };
      const series = db
        .prepare('INSERT INTO series (study_id, series_uid, modality) VALUES (?, ?, ?) RETURNING id')
        .get(study.id, `1.2.826.1.${n + 1}`, modality) as { id: number };
      const instanceIds: number[] = [];
      for (let i = 0; i < (spec.images ?? 1); i++) {
        const inst = db
          .prepare("INSERT INTO instances (series_id, sop_instance_uid, path, content_hash, size_bytes) VALUES (?, ?, ?, 'h', 1) RETURNING id")
          .get(series.id, `1.2.826.2.${n + 1}.${i}`, `/x/${n}-${i}.dcm`) as { id: number };
        instanceIds.push(inst.id);
      }
      const sentenceIds: number[] = [];
      if (spec.sentences) {
        const text = spec.sentences.join(' ');
        const report = db.prepare("INSERT INTO reports (study_id, raw_text, source) VALUES (?, ?, 'txt') RETURNING id").get(study.id, text) as { id: number };
        let offset = 0;
        spec.sentences.forEach((sentence, ordinal) => {
          const row = db
            .prepare('INSERT INTO report_sentences (report_id, section, ordinal, text, start_offset, end_offset) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
            .get(report.id, 'findings', ordinal, sentence, offset, offset + sentence.length) as { id: number };
          sentenceIds.push(row.id);
          offset += sentence.length + 1;
        });
      }
      for (const l of spec.labels ?? []) {
        db.prepare('INSERT INTO labels (study_id, schema_id, label, value, source) VALUES (?, ?, ?, ?, ?)').run(study.id, schema.id, l.label, l.value, l.source);
      }
      out.push({ studyId: study.id, instanceIds, sentenceIds });
    }
  });
  seed();
  return out;
}
