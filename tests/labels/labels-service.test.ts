/**
 * The labels service on a real SQLite library file (tests/helpers/library.ts):
 * report suggestions stored as source = 'suggested' that never override a
 * person's label, accepting them with who and when, a pass over the library
 * with progress events, user-made schemas and their CSV round trip.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobEvent } from '../../src-shared/contract/events';
import { CHEXPERT_SCHEMA_NAME } from '../../src-shared/contract/labels';
import { AppError } from '../../src-shared/result';
import { EventHub } from '../../src-main/services/events';
import { createLabelsService } from '../../src-main/services/labels-service';
import { seededLibrary } from '../helpers/library';

function setup(studies = 20) {
  const { db } = seededLibrary(studies, 11);
  const events = new EventHub();
  const labels = createLabelsService(db, 'dr-test', events);
  const schemas = labels.schemas({}) as { id: number; name: string }[];
  const schema = schemas.find((s) => s.name === CHEXPERT_SCHEMA_NAME)!;
  return { db, events, labels, schemaId: schema.id };
}

/** A sample study whose report is `text` (the seeded reports are replaced so the test knows the wording). */
function withReport(db: ReturnType<typeof setup>['db'], text: string): number {
  const study = db.prepare('SELECT study_id AS id FROM reports ORDER BY study_id LIMIT 1').get() as { id: number };
  db.prepare('UPDATE reports SET raw_text = ? WHERE study_id = ?').run(text, study.id);
  return study.id;
}

const REPORT = 'FINDINGS: Small left pleural effusion. No pneumothorax. Cannot exclude pneumonia in the left base.\n\nIMPRESSION: Left effusion.';

test('suggest stores the report labeller\'s values as suggestions, with the deciding sentence, and they do not count', async () => {
  const { db, labels, schemaId } = setup();
  const studyId = withReport(db, REPORT);
  const result = await labels.suggest({ studyId, schemaId });
  const byLabel = new Map(result.suggestions.map((s) => [s.label, s]));
  assert.equal(byLabel.get('Pleural Effusion')?.value, 'positive');
  assert.equal(byLabel.get('Pneumothorax')?.value, 'negative');
  assert.equal(byLabel.get('Pneumonia')?.value, 'uncertain');
  assert.equal(byLabel.get('Pneumonia')?.evidence?.sentence, 'Cannot exclude pneumonia in the left base.');
  assert.equal(byLabel.get('Pneumonia')?.evidence?.cue, 'Cannot exclude');
  const evidence = byLabel.get('Pleural Effusion')!.evidence!;
  assert.equal(REPORT.slice(evidence.start, evidence.end), evidence.sentence);
  assert.equal(byLabel.get('Pleural Effusion')?.origin, 'report');
  assert.deepEqual(result.labels, [], 'suggestions are not labels');
  assert.equal(result.progress.labelled, 0, 'suggestions do not count as labelled');
  const stored = db.prepare("SELECT count(*) AS n FROM labels WHERE study_id = ? AND source = 'suggested'").get(studyId) as { n: number };
  assert.equal(stored.n, result.suggestions.length);
  // Running it again replaces, not duplicates.
  await labels.suggest({ studyId, schemaId });
  assert.equal((db.prepare("SELECT count(*) AS n FROM labels WHERE study_id = ? AND source = 'suggested'").get(studyId) as { n: number }).n, stored.n);
});

test('accepting turns suggestions into human labels with who and when, and never overwrites a person\'s label', async () => {
  const { db, labels, schemaId } = setup();
  const studyId = withReport(db, REPORT);
  await labels.suggest({ studyId, schemaId });
  await labels.set({ studyId, schemaId, label: 'Pleural Effusion', value: 'uncertain' });
  const before = new Date(Date.now() - 1000).toISOString();
  const one = await labels.accept({ studyId, schemaId, labels: ['Pneumothorax'] });
  assert.deepEqual(
    one.labels.map((l) => [l.label, l.value, l.source, l.author]),
    [
      ['Pleural Effusion', 'uncertain', 'human', 'dr-test'],
      ['Pneumothorax', 'negative', 'human', 'dr-test'],
    ],
  );
  assert.ok(one.labels.every((l) => l.at >= before), 'accepted now');
  assert.ok(!one.suggestions.some((s) => s.label === 'Pneumothorax' || s.label === 'Pleural Effusion'), 'an answered label shows no suggestion');
  const all = await labels.accept({ studyId, schemaId });
  const values = new Map(all.labels.map((l) => [l.label, l.value]));
  assert.equal(values.get('Pleural Effusion'), 'uncertain', "the person's value stays");
  assert.equal(values.get('Pneumonia'), 'uncertain');
  assert.deepEqual(all.suggestions, []);
  assert.equal(all.progress.labelled, 1);
  await assert.rejects(async () => labels.accept({ studyId, schemaId, labels: ['Not A Label'] }), (e: unknown) => e instanceof AppError && e.code === 'bad_request');
});

test('suggestAll labels every study with a report, in chunks, and reports progress as job events', async () => {
  const { db, events, labels, schemaId } = setup(450);
  const seen: JobEvent[] = [];
  events.subscribe((e) => seen.push(e));
  // The pass yields between chunks of 200 studies: a timer set now fires before it ends.
  let between = false;
  setImmediate(() => (between = true));
  const result = await labels.suggestAll({ schemaId });
  assert.ok(between, 'the event loop ran during the pass');
  const withReports = (db.prepare('SELECT count(DISTINCT study_id) AS n FROM reports').get() as { n: number }).n;
  assert.equal(result.studies, withReports);
  const stored = db.prepare("SELECT count(*) AS n, count(DISTINCT study_id) AS s FROM labels WHERE source = 'suggested'").get() as { n: number; s: number };
  assert.equal(stored.n, result.suggestions);
  assert.equal(stored.s, withReports, 'every seeded report says something the labeller reads');
  assert.equal(withReports, 360, 'every fifth seeded study has no report');
  assert.deepEqual(seen.map((e) => e.type), ['started', 'progress', 'progress', 'done']);
  const progress = seen.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress');
  assert.deepEqual(progress.map((p) => [p.done, p.total]), [[200, 360], [360, 360]]);
  assert.ok(progress.every((p) => p.rate !== null && p.rate > 0 && p.etaSeconds !== null));
  const none = db.prepare('SELECT s.id FROM studies s WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.study_id = s.id) LIMIT 1').get() as { id: number };
  assert.deepEqual((await labels.forStudy({ studyId: none.id, schemaId })).suggestions, [], 'no report, no suggestion');
});

test('a user-made binary schema: created, validated, labelled, suggested, exported and imported as CSV', async () => {
  const { db, labels } = setup();
  const schema = await labels.createSchema({ name: 'Effusion present', kind: 'binary', labels: ['Effusion'], values: ['present', 'absent'], keys: { present: 'E', absent: 'A' } });
  assert.deepEqual([schema.kind, schema.labels, schema.values, schema.keys, schema.builtIn], ['binary', ['Effusion'], ['present', 'absent'], { present: 'e', absent: 'a' }, false]);
  assert.ok((await labels.schemas({})).some((s) => s.id === schema.id));
  await assert.rejects(async () => labels.createSchema({ name: 'effusion PRESENT', kind: 'binary', labels: ['x'], values: ['a', 'b'], keys: {} }), /already exists/);
  await assert.rejects(async () => labels.createSchema({ name: 'Two labels', kind: 'binary', labels: ['a', 'b'], values: ['y', 'n'], keys: {} }), /one label and two values/);
  await assert.rejects(async () => labels.createSchema({ name: 'Same key', kind: 'multilabel', labels: ['a'], values: ['y', 'n'], keys: { y: 'q', n: 'Q' } }), /key "q" is given to two values/);
  await assert.rejects(async () => labels.createSchema({ name: 'Odd key', kind: 'multiclass', labels: ['a'], values: ['y', 'n'], keys: { maybe: 'm' } }), /not one of its values/);

  const studyId = withReport(db, REPORT);
  const suggested = await labels.suggest({ studyId, schemaId: schema.id });
  assert.deepEqual(suggested.suggestions.map((s) => [s.label, s.value]), [['Effusion', 'present']]);
  const ids = db.prepare('SELECT id, study_uid FROM studies ORDER BY id LIMIT 3').all() as { id: number; study_uid: string }[];
  await labels.set({ studyId: ids[1]!.id, schemaId: schema.id, label: 'Effusion', value: 'absent' });
  await labels.accept({ studyId, schemaId: schema.id });
  const { csv, rows } = await labels.exportCsv({ schemaId: schema.id });
  assert.equal(rows, 2);
  const expected = new Map([[studyId, 'present'], [ids[1]!.id, 'absent']]);
  const uidOf = (id: number): string => (db.prepare('SELECT study_uid FROM studies WHERE id = ?').get(id) as { study_uid: string }).study_uid;
  const lines = [...expected].sort(([a], [b]) => a - b).map(([id, v]) => `${uidOf(id)},${v}`);
  assert.equal(csv, `study_uid,Effusion\n${lines.join('\n')}\n`);

  // A generic "study, label" table; "1" reads as the first value.
  const third = ids[2]!;
  const imported = await labels.importCsv({ schemaId: schema.id, csv: `study_id,label\n${third.id},1\n999999,absent\n${ids[0]!.id},maybe\n` });
  assert.equal(imported.imported, 1);
  assert.deepEqual(imported.skipped.map((s) => s.line), [3, 4]);
  assert.match(imported.skipped[1]!.reason, /present, absent/);
  const got = await labels.forStudy({ studyId: third.id, schemaId: schema.id });
  assert.deepEqual(got.labels.map((l) => [l.label, l.value, l.source]), [['Effusion', 'present', 'imported']]);
});

test('multi-class and multi-label schemas get suggestions in their own values', async () => {
  const { db, labels } = setup();
  const studyId = withReport(db, 'IMPRESSION: Right lower lobe pneumonia. No pneumothorax.');
  const kind = await labels.createSchema({ name: 'Diagnosis', kind: 'multiclass', labels: ['diagnosis'], values: ['normal', 'pneumonia', 'pneumothorax'], keys: { normal: '0', pneumonia: '1', pneumothorax: '2' } });
  const multi = await labels.createSchema({ name: 'Findings', kind: 'multilabel', labels: ['Pneumonia', 'Pneumothorax', 'Granuloma'], values: ['yes', 'no'], keys: { yes: 'y', no: 'n' } });
  assert.deepEqual((await labels.suggest({ studyId, schemaId: kind.id })).suggestions.map((s) => [s.label, s.value]), [['diagnosis', 'pneumonia']]);
  assert.deepEqual(
    (await labels.suggest({ studyId, schemaId: multi.id })).suggestions.map((s) => [s.label, s.value]),
    [
      ['Pneumonia', 'yes'],
      ['Pneumothorax', 'no'],
    ],
  );
});
