/**
 * Labels: the built-in CheXpert schema and those made in the UI, a study's
 * labels (a person's label wins over an imported one), each change saved at
 * once with who and when, suggestions from the report labeller and their
 * acceptance, the next / previous / next unlabelled study, progress, and CSV
 * import and export.
 */
import { parse } from 'csv-parse/sync';
import { userInfo } from 'node:os';
import type { ServiceImpl } from '../../src-shared/contract/index';
import type { LabelSchema, StudyLabel, StudyLabels } from '../../src-shared/contract/labels';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import type { EventHub } from './events';
import { createSchema, ensureBuiltInSchemas, listSchemas, schemaById } from './label-schemas';
import { SuggestionStore } from './label-suggestions';
import { schemaCsv, schemaValueOf, STUDY_KEY_COLUMNS } from './labels-csv';

export { ensureBuiltInSchemas };

/** Labels people see and count: suggestions become labels only once accepted. */
const COUNTED = "source IN ('human', 'imported')";

/** Who labels: the operating-system account running the services. */
export function currentUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function assertStudy(db: Db, studyId: number): void {
  if (!db.prepare('SELECT 1 FROM studies WHERE id = ?').get(studyId)) throw new AppError('not_found', `No study with id ${studyId} in this library.`);
}

function progress(db: Db, schemaId: number): StudyLabels['progress'] {
  const labelled = (db.prepare(`SELECT count(DISTINCT study_id) AS n FROM labels WHERE schema_id = ? AND ${COUNTED}`).get(schemaId) as { n: number }).n;
  const total = (db.prepare('SELECT count(*) AS n FROM studies').get() as { n: number }).n;
  return { labelled, total };
}

function studyLabels(db: Db, studyId: number, schemaId: number, suggestions: SuggestionStore): StudyLabels {
  const rows = db
    .prepare(`SELECT label, value, source, author, created_at AS at FROM labels WHERE study_id = ? AND schema_id = ? AND ${COUNTED} ORDER BY label, source = 'human' DESC`)
    .all(studyId, schemaId) as StudyLabel[];
  const effective = new Map<string, StudyLabel>();
  for (const row of rows) if (!effective.has(row.label)) effective.set(row.label, row);
  const open = suggestions.forStudy(schemaById(db, schemaId), studyId);
  return { studyId, schemaId, labels: [...effective.values()], suggestions: open, progress: progress(db, schemaId) };
}

function importCsv(db: Db, schema: LabelSchema, csv: string, author: string) {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: true, skip_empty_lines: true, bom: true, trim: true }) as Record<string, string>[];
  } catch (cause) {
    throw new AppError('bad_request', `The label CSV cannot be read: ${(cause as Error).message}`);
  }
  const header = Object.keys(records[0] ?? {});
  const keyColumn = STUDY_KEY_COLUMNS.find((c) => header.includes(c));
  if (!keyColumn) throw new AppError('bad_request', `The label CSV needs a study column (${STUDY_KEY_COLUMNS.join(', ')}); it has ${header.join(', ') || 'no header'}.`);
  // A generic "study, label" table fills a one-label schema from its `label` column.
  const single = schema.labels.length === 1 && !header.includes(schema.labels[0]!) && header.includes('label');
  const labelColumns = single ? ['label'] : header.filter((h) => schema.labels.includes(h));
  if (labelColumns.length === 0) throw new AppError('bad_request', `The label CSV has none of the ${schema.name} columns (${schema.labels.join(', ')}).`);
  const labelOf = (column: string): string => (single ? schema.labels[0]! : column);
  const findStudy = db.prepare(keyColumn === 'study_id' ? 'SELECT id FROM studies WHERE id = ?' : 'SELECT id FROM studies WHERE study_uid = ?');
  const upsert = db.prepare(`INSERT INTO labels (study_id, schema_id, label, value, source, author) VALUES (?, ?, ?, ?, 'imported', ?)
    ON CONFLICT (study_id, schema_id, label, source) DO UPDATE SET value = excluded.value, author = excluded.author, created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
  const skipped: { line: number; reason: string }[] = [];
  let imported = 0;
  let studies = 0;
  db.transaction(() => {
    records.forEach((record, i) => {
      const line = i + 2; // 1-based, after the header
      const key = record[keyColumn] ?? '';
      const study = findStudy.get(keyColumn === 'study_id' ? Number(key) : key) as { id: number } | undefined;
      if (!study) return void skipped.push({ line, reason: `no study ${keyColumn} = ${key.slice(0, 80)} in this library` });
      const values = labelColumns.map((column) => [labelOf(column), schemaValueOf(schema, record[column] ?? '')] as const);
      const bad = values.find(([, v]) => v === undefined);
      if (bad) return void skipped.push({ line, reason: `"${bad[0]}" is not ${schema.kind === 'chexpert' ? '1, 0, -1' : schema.values.join(', ')} or empty` });
      for (const [label, value] of values) {
        if (value) {
          upsert.run(study.id, schema.id, label, value, author);
          imported++;
        }
      }
      studies++;
    });
  })();
  return { imported, studies, skipped };
}

/** `events`, when given, receives the progress of labels:suggestAll. */
export function createLabelsService(db: Db, author: string, events?: EventHub): ServiceImpl['labels'] {
  // On first use, not at start: a library opened only to browse is not written to.
  let seeded = false;
  const seed = () => {
    if (!seeded) ensureBuiltInSchemas(db);
    seeded = true;
  };
  const upsertHuman = db.prepare(`INSERT INTO labels (study_id, schema_id, label, value, source, author) VALUES (?, ?, ?, ?, 'human', ?)
    ON CONFLICT (study_id, schema_id, label, source) DO UPDATE SET value = excluded.value, author = excluded.author, created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
  const clear = db.prepare(`DELETE FROM labels WHERE study_id = ? AND schema_id = ? AND label = ? AND ${COUNTED}`);
  const suggestions = new SuggestionStore(db);
  const read = (studyId: number, schemaId: number): StudyLabels => studyLabels(db, studyId, schemaId, suggestions);
  return {
    schemas: () => (seed(), listSchemas(db)),
    forStudy: ({ studyId, schemaId }) => {
      seed();
      schemaById(db, schemaId);
      assertStudy(db, studyId);
      return read(studyId, schemaId);
    },
    set: ({ studyId, schemaId, label, value }) => {
      seed();
      const schema = schemaById(db, schemaId);
      assertStudy(db, studyId);
      if (!schema.labels.includes(label)) throw new AppError('bad_request', `"${label}" is not a label of ${schema.name}.`);
      if (value !== null && !schema.values.includes(value)) throw new AppError('bad_request', `"${value}" is not a value of ${schema.name} (${schema.values.join(', ')}).`);
      db.transaction(() => {
        // Blank clears what was imported too; a value is the person's and wins over an import.
        if (value === null) clear.run(studyId, schemaId, label);
        else upsertHuman.run(studyId, schemaId, label, value, author);
      })();
      return read(studyId, schemaId);
    },
    neighbour: ({ schemaId, studyId, direction }) => {
      const unlabelled = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.study_id = s.id AND l.schema_id = @schemaId AND l.${COUNTED})`;
      const sql = {
        next: 'SELECT id FROM studies s WHERE id > @studyId ORDER BY id LIMIT 1',
        previous: 'SELECT id FROM studies s WHERE id < @studyId ORDER BY id DESC LIMIT 1',
        // After this study first, then from the start: the first unlabelled study anywhere but here.
        nextUnlabelled: `SELECT id FROM studies s WHERE id <> @studyId AND ${unlabelled} ORDER BY id <= @studyId, id LIMIT 1`,
      }[direction];
      const row = db.prepare(sql).get({ studyId, schemaId }) as { id: number } | undefined;
      return { studyId: row?.id ?? null };
    },
    exportCsv: ({ schemaId }) => {
      seed();
      const schema = schemaById(db, schemaId);
      const rows = db
        .prepare(`SELECT s.id, s.study_uid, l.label, l.value FROM labels l JOIN studies s ON s.id = l.study_id WHERE l.schema_id = ? AND l.${COUNTED} ORDER BY s.id, l.label, l.source = 'human'`)
        .all(schemaId) as { id: number; study_uid: string; label: string; value: string }[];
      const byStudy = new Map<number, { studyUid: string; values: Map<string, string> }>();
      for (const r of rows) {
        const entry = byStudy.get(r.id) ?? { studyUid: r.study_uid, values: new Map<string, string>() };
        entry.values.set(r.label, r.value); // the human row sorts last and wins
        byStudy.set(r.id, entry);
      }
      return { csv: schemaCsv(schema, [...byStudy.values()]), rows: byStudy.size };
    },
    importCsv: ({ schemaId, csv }) => (seed(), importCsv(db, schemaById(db, schemaId), csv, author)),
    createSchema: (input) => (seed(), createSchema(db, input)),
    suggest: ({ studyId, schemaId }) => {
      seed();
      assertStudy(db, studyId);
      suggestions.suggestStudy(schemaById(db, schemaId), studyId);
      return read(studyId, schemaId);
    },
    suggestAll: async ({ schemaId }) => {
      seed();
      const schema = schemaById(db, schemaId);
      const job = { jobId: `suggest-${schemaId}-${Date.now()}`, kind: 'suggest-labels' };
      const started = performance.now();
      events?.emit({ type: 'started', ...job, total: null });
      const result = await suggestions.suggestAll(schema, (done, total) => {
        const rate = done / Math.max(1e-3, (performance.now() - started) / 1000);
        events?.emit({ type: 'progress', ...job, done, total, rate, etaSeconds: (total - done) / rate });
      });
      events?.emit({ type: 'done', ...job, summary: result });
      return result;
    },
    accept: ({ studyId, schemaId, labels }) => {
      seed();
      const schema = schemaById(db, schemaId);
      assertStudy(db, studyId);
      const unknown = labels?.find((l) => !schema.labels.includes(l));
      if (unknown) throw new AppError('bad_request', `"${unknown}" is not a label of ${schema.name}.`);
      suggestions.accept(schema, studyId, author, labels);
      return read(studyId, schemaId);
    },
  };
}
