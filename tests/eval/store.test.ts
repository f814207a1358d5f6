import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { drawSubset, splitByPatient } from '../../src-main/eval/splits';
import { attachToLibrary, loadDataset, loadRawLabels, recordSplit, recordSubset, subsetDatasetName } from '../../src-main/eval/store';
import { covidView } from '../../src-main/eval/tasks/conventions';
import { singleLabelTask } from '../../src-main/eval/tasks/task';
import { tempDir } from '../helpers/temp';

/** A real library file with 40 studies of 20 patients, view labels (some human overrides). */
function library(): Db {
  const db = openLibrary(join(tempDir(), 'library.sqlite'));
  const views = ['PA', 'AP', 'L', 'AP Supine'];
  db.transaction(() => {
    const schema = Number(db.prepare("INSERT INTO label_schemas (name, kind, definition_json) VALUES ('covid-view', 'multiclass', '{}')").run().lastInsertRowid);
    for (let p = 0; p < 20; p++) {
      const patient = Number(db.prepare('INSERT INTO patients (patient_key) VALUES (?)').run(`pk${p}`).lastInsertRowid);
      for (let s = 0; s < 2; s++) {
        const study = Number(db.prepare('INSERT INTO studies (patient_id, study_uid, accession_number) VALUES (?, ?, ?)').run(patient, `1.2.${p}.${s}`, `ACC${p}${s}`).lastInsertRowid);
        db.prepare("INSERT INTO labels (study_id, schema_id, label, value, source) VALUES (?, ?, 'view', ?, 'imported')").run(study, schema, views[(p + s) % 4]);
        if (p === 0 && s === 0) db.prepare("INSERT INTO labels (study_id, schema_id, label, value, source) VALUES (?, ?, 'view', 'L', 'human')").run(study, schema);
      }
    }
  })();
  return db;
}

describe('evaluation store on a real library file', () => {
  it('loads one value per study, the human label winning over the imported one', () => {
    const db = library();
    const raw = loadRawLabels(db, 'covid-view');
    assert.equal(raw.length, 40);
    assert.deepEqual(raw[0], { key: '1', patientKey: 'pk0', value: 'L' });
    assert.throws(() => loadRawLabels(db, 'nope'), /no label schema 'nope' in this library \(have: covid-view\)/);
    assert.throws(() => loadRawLabels(db, 'covid-view', 'finding'), /has labels view; name one/);
  });

  it('records splits and subsets so they can be read back, and refuses a changed one', () => {
    const db = library();
    const task = singleLabelTask('covid-view', 'multiclass', covidView.classNames, loadRawLabels(db, 'covid-view'), covidView.map, covidView.convention);
    const split = splitByPatient(task.examples, 0);
    const id = recordSplit(db, task, split);
    assert.equal(recordSplit(db, task, split), id, 'recording again is a no-op');
    const back = loadDataset(db, 'covid-view/split0');
    assert.deepEqual([back.train, back.val, back.test].map((p) => [...p].sort()), [split.train, split.val, split.test].map((p) => [...p].sort()));

    const train = task.examples.filter((e) => split.train.includes(e.key));
    const subset = drawSubset(task, train, 0.1, 2);
    recordSubset(db, task.name, 0, 0.1, 2, subset);
    assert.deepEqual(loadDataset(db, subsetDatasetName(task.name, 0, 0.1, 2)).train.sort(), [...subset].sort());
    const description = JSON.parse((db.prepare('SELECT description FROM datasets WHERE name = ?').get('covid-view/split0/train10%/seed2') as { description: string }).description) as { parent: string; fraction: number };
    assert.deepEqual([description.parent, description.fraction], ['covid-view/split0', 0.1]);
    assert.throws(() => recordSubset(db, task.name, 0, 0.1, 2, subset.slice(1)), /already recorded with different studies/);
  });

  it('attaches imported keys by study UID or accession; unknown ones are counted', () => {
    const db = library();
    const raw = [
      { key: '1.2.3.0', patientKey: 'x', value: 'PA' },
      { key: 'ACC41', patientKey: 'y', value: 'AP' },
      { key: 'elsewhere', patientKey: 'z', value: 'PA' },
    ];
    const task = attachToLibrary(db, singleLabelTask('t', 'multiclass', covidView.classNames, raw, covidView.map, ''));
    assert.deepEqual(task.examples.map((e) => [e.key, e.patientKey]), [['7', 'pk3'], ['10', 'pk4']]);
    assert.deepEqual(task.excluded, { 'not in library': 1 });
  });
});
