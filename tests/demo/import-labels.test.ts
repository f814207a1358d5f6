// The demo's ground truth lands in the CheXpert schema as imported labels that
// the evaluation reads as tasks; a rerun rewrites them; a bad cell is refused by file and line.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { generateArchive } from '../../src-main/demo/archive';
import { importDemoArchive } from '../../src-main/demo/import-archive';
import { DEMO_OBSERVATIONS, importDemoLabels } from '../../src-main/demo/import-labels';
import { libraryTask } from '../../src-main/eval/tasks/library-task';
import { tempDir } from '../helpers/temp';

const dir = tempDir();
const archive = join(dir, 'demo-archive');
let db: Db;

before(async () => {
  await generateArchive({ outDir: archive, studies: 12, seed: 5, size: 64 });
  db = openLibrary(join(dir, 'lib.sqlite'));
  await importDemoArchive(db, archive, { cacheDir: null });
});

test('every study gets one imported label per observation, matching labels.csv', () => {
  const summary = importDemoLabels(db, archive);
  assert.deepEqual(summary, { studies: 12, labels: 12 * 7, missingStudies: 0 });
  const truth = parse(readFileSync(join(archive, 'labels.csv')), { columns: true }) as Record<string, string>[];
  const task = libraryTask(db, 'CheXpert', 'Cardiomegaly');
  assert.equal(task.examples.length, 12);
  const positives = task.examples.filter((e) => e.target === 1).length;
  assert.equal(positives, truth.filter((r) => r.cardiomegaly === '1').length);
  assert.equal(Object.keys(DEMO_OBSERVATIONS).length, 7);
  assert.deepEqual(importDemoLabels(db, archive), summary, 'a rerun rewrites the same labels');
  assert.equal((db.prepare("SELECT count(*) AS n FROM labels WHERE source = 'imported'").get() as { n: number }).n, 84);
});

test('a cell that is not 0 or 1 is refused with the file and line, and nothing is written', () => {
  const bad = tempDir();
  const text = readFileSync(join(archive, 'labels.csv'), 'utf8').split('\n');
  const columns = text[0]!.split(',');
  const row = text[3]!.split(',');
  row[columns.indexOf('pneumothorax')] = 'maybe';
  text[3] = row.join(',');
  writeFileSync(join(bad, 'labels.csv'), text.join('\n'));
  db.prepare('DELETE FROM labels').run();
  assert.throws(() => importDemoLabels(db, bad), /labels\.csv line 4: pneumothorax is 'maybe', expected 0 or 1/);
  assert.equal((db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n, 0, 'the transaction rolled back');
});
