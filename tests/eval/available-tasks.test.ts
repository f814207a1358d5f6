/**
 * Label tasks of a real library file: one per single-label schema, one per
 * observation of the CheXpert schema (named CheXpert/<observation>, binary,
 * uncertain left out), with class counts and the reason a task cannot run.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { splitByPatient } from '../../src-main/eval/splits';
import { recordSplit } from '../../src-main/eval/store';
import { availableTasks } from '../../src-main/eval/tasks/available-tasks';
import { libraryTask } from '../../src-main/eval/tasks/library-task';
import { tempDir } from '../helpers/temp';

/** 30 studies of 30 patients; Cardiomegaly positive on every third, uncertain on every fifth (else negative); Edema on study 0 only; a 'view' schema with one value. */
function library(): Db {
  const db = openLibrary(join(tempDir(), 'library.sqlite'));
  db.transaction(() => {
    const chexpert = Number(db.prepare("INSERT INTO label_schemas (name, kind, definition_json, built_in) VALUES ('CheXpert', 'chexpert', '{}', 1)").run().lastInsertRowid);
    const view = Number(db.prepare("INSERT INTO label_schemas (name, kind, definition_json) VALUES ('view', 'multiclass', '{}')").run().lastInsertRowid);
    const label = db.prepare("INSERT INTO labels (study_id, schema_id, label, value, source) VALUES (?, ?, ?, ?, 'imported')");
    for (let p = 0; p < 30; p++) {
      const patient = Number(db.prepare('INSERT INTO patients (patient_key) VALUES (?)').run(`pk${p}`).lastInsertRowid);
      const study = Number(db.prepare('INSERT INTO studies (patient_id, study_uid) VALUES (?, ?)').run(patient, `1.2.${p}`).lastInsertRowid);
      label.run(study, chexpert, 'Cardiomegaly', p % 5 === 0 ? 'uncertain' : p % 3 === 0 ? 'positive' : 'negative');
      label.run(study, chexpert, 'Edema', p === 0 ? 'positive' : 'negative');
      label.run(study, view, 'view', 'PA');
    }
  })();
  return db;
}

describe('available label tasks', () => {
  it('one binary task per CheXpert observation, uncertain left out, with counts and problems', () => {
    const db = library();
    const tasks = availableTasks(db);
    assert.deepEqual(tasks.map((t) => [t.name, t.schema, t.label]), [['CheXpert/Cardiomegaly', 'CheXpert', 'Cardiomegaly'], ['CheXpert/Edema', 'CheXpert', 'Edema'], ['view', 'view', null]]);
    const cardio = tasks[0]!;
    // Uncertain: p % 5 === 0 (6 studies); positive among the rest: p % 3 === 0 and p % 5 !== 0 (8 studies).
    assert.deepEqual([cardio.kind, cardio.classNames, cardio.classCounts, cardio.studies, cardio.excluded, cardio.problem], ['binary', ['negative', 'positive'], [16, 8], 24, { uncertain: 6 }, null]);
    assert.match(tasks[1]!.problem ?? '', /fewer than 3 labelled studies of positive/);
    assert.match(tasks[2]!.problem ?? '', /fewer than 2 distinct values/);
  });

  it('observations of one schema record their own splits', () => {
    const db = library();
    const cardio = libraryTask(db, 'CheXpert', 'Cardiomegaly');
    const edema = libraryTask(db, 'CheXpert', 'Edema');
    recordSplit(db, cardio, splitByPatient(cardio.examples, 0));
    recordSplit(db, edema, splitByPatient(edema.examples, 0));
    const names = (db.prepare('SELECT name FROM datasets ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    assert.deepEqual(names, ['CheXpert/Cardiomegaly/split0', 'CheXpert/Edema/split0']);
  });
});
