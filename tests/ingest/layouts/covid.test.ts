/**
 * The COVID collection in ../shared/data/covid-cxr imports as its 542
 * image-text pairs with their finding / view labels, and a second import adds nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../../src-main/db/connection';
import { importLayout, type LayoutProgress } from '../../../src-main/ingest/layouts/index';
import { tempDir } from '../../helpers/temp';

const ROOT = join(__dirname, '../../../../shared/data/covid-cxr');

interface Pair {
  patientid: string;
  image: string;
  clinical_notes: string;
  finding: string;
  view: string;
}

test('the COVID collection imports as 542 image-text pairs with labels; importing again adds nothing', { skip: existsSync(ROOT) ? false : `${ROOT} is absent` }, async () => {
  const pairs = readFileSync(join(ROOT, 'pairs.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Pair);
  assert.equal(pairs.length, 542);
  const db = openLibrary(join(tempDir('convirt-covid-'), 'library.sqlite'));
  const progress: LayoutProgress[] = [];
  const first = await importLayout(db, { root: ROOT, layout: 'auto' }, (p) => progress.push(p));

  const findingLabels = pairs.filter((p) => p.finding !== 'todo' && p.finding !== '').length;
  const viewLabels = pairs.filter((p) => p.view !== '' && p.view !== '?').length;
  assert.equal(first.layout, 'covid');
  assert.deepEqual(first.rejected, []);
  assert.deepEqual(
    { patients: first.patients, studies: first.studies, series: first.series, instances: first.instances, reports: first.reports, labels: first.labels },
    { patients: new Set(pairs.map((p) => p.patientid)).size, studies: 542, series: 542, instances: 542, reports: 542, labels: findingLabels + viewLabels },
  );
  assert.equal(findingLabels, 464);
  assert.equal(viewLabels, 503);
  assert.equal(progress.at(-1)?.studiesDone, 542);
  assert.equal(progress.at(-1)?.etaSeconds, 0);

  // Every pair is in the library: its image, its text as report, its labels.
  const findStudy = db.prepare(`
    SELECT s.id, i.path, i.content_hash, i.rows, i.columns, i.photometric_interpretation AS photometric, i.sop_instance_uid AS sop, s.study_uid AS studyUid,
      (SELECT raw_text FROM reports r WHERE r.study_id = s.id) AS report,
      (SELECT value FROM labels l JOIN label_schemas ls ON ls.id = l.schema_id WHERE l.study_id = s.id AND ls.name = 'covid-finding' AND l.source = 'imported') AS finding,
      (SELECT value FROM labels l JOIN label_schemas ls ON ls.id = l.schema_id WHERE l.study_id = s.id AND ls.name = 'covid-view') AS view
    FROM studies s JOIN patients p ON p.id = s.patient_id JOIN series se ON se.study_id = s.id JOIN instances i ON i.series_id = se.id
    WHERE p.patient_id = ? AND i.path = ?`);
  const uids = new Set<string>();
  for (const pair of pairs) {
    const rows = findStudy.all(pair.patientid, join(ROOT, pair.image)) as {
      path: string; content_hash: string; rows: number; columns: number; photometric: string; sop: string; studyUid: string;
      report: string; finding: string | null; view: string | null;
    }[];
    assert.equal(rows.length, 1, `${pair.image} of patient ${pair.patientid}`);
    const row = rows[0]!;
    assert.equal(row.report, pair.clinical_notes);
    assert.equal(row.finding, pair.finding === 'todo' ? null : pair.finding);
    assert.equal(row.view, pair.view === '' || pair.view === '?' ? null : pair.view);
    assert.equal(row.photometric, 'MONOCHROME2');
    assert.ok(Math.max(row.rows, row.columns) <= 512 && Math.min(row.rows, row.columns) > 0, 'the collection has a longest side of at most 512');
    assert.match(row.studyUid, /^2\.25\.\d{1,39}$/);
    uids.add(row.sop).add(row.studyUid);
  }
  assert.equal(uids.size, 2 * 542, 'study and SOP instance UIDs are unique');
  // `file images/000001-12.jpg` says: JPEG, baseline, precision 8, 373x361 (width x height).
  assert.deepEqual(db.prepare('SELECT rows, columns FROM instances WHERE path = ?').get(join(ROOT, 'images/000001-12.jpg')), { rows: 361, columns: 373 });
  const sample = db.prepare('SELECT path, content_hash, size_bytes FROM instances ORDER BY id LIMIT 1').get() as { path: string; content_hash: string; size_bytes: number };
  const bytes = readFileSync(sample.path);
  assert.equal(sample.content_hash, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(sample.size_bytes, bytes.length);
  assert.equal((db.prepare('SELECT count(DISTINCT path) AS n FROM instances').get() as { n: number }).n, 537, 'five images are shared by two pairs');
  const sentences = (db.prepare('SELECT count(*) AS n FROM report_sentences').get() as { n: number }).n;
  assert.ok(sentences > 542, `reports are split into sentences (${sentences})`);
  const schemas = db.prepare("SELECT name, kind, definition_json FROM label_schemas WHERE name LIKE 'covid-%' ORDER BY name").all() as { name: string; kind: string; definition_json: string }[];
  assert.deepEqual(schemas.map((s) => [s.name, s.kind]), [['covid-finding', 'multiclass'], ['covid-view', 'multiclass']]);
  const findingClasses = (JSON.parse(schemas[0]!.definition_json) as { classes: string[] }).classes;
  assert.ok(findingClasses.includes('COVID-19') && !findingClasses.includes('todo'));
  assert.deepEqual((JSON.parse(schemas[1]!.definition_json) as { classes: string[] }).classes, ['AP', 'AP Supine', 'L', 'PA']);

  const totals = (): unknown => db.prepare('SELECT (SELECT count(*) FROM studies) s, (SELECT count(*) FROM instances) i, (SELECT count(*) FROM reports) r, (SELECT count(*) FROM report_sentences) t, (SELECT count(*) FROM labels) l, (SELECT count(*) FROM label_schemas) ls').get();
  const before = totals();
  const second = await importLayout(db, { root: ROOT, layout: 'covid' });
  assert.deepEqual(
    { patients: second.patients, studies: second.studies, series: second.series, instances: second.instances, reports: second.reports, labels: second.labels, updated: second.updated },
    { patients: 0, studies: 0, series: 0, instances: 0, reports: 0, labels: 0, updated: { instances: 0, reports: 0, labels: 0 } },
  );
  assert.equal(second.studiesSeen, 542);
  assert.deepEqual(totals(), before);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});
