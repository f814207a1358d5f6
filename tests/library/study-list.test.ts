/**
 * The study list service on a real library file: windows, sort, every filter
 * (label state, split, report search), label status, the report passage with
 * its hits marked, and the search following report edits.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { MATCH_END, MATCH_START, type StudyFilters, type StudyPage } from '../../src-shared/contract/library';
import { splitHighlights } from '../../src-shared/highlight';
import { createServices } from '../../src-main/services/index';
import { reportFtsQuery } from '../../src-main/db/fts-query';
import { RARE_WORD, seedBigLibrary } from '../helpers/big-library';
import { tempDir } from '../helpers/temp';

const dir = tempDir();
const services = createServices(join(dir, 'lib.sqlite'), 'cli');
const STUDIES = 1200;
const seeded = seedBigLibrary(services.db, { studies: STUDIES, imageDir: dir, rareEvery: 50 });

async function list(filters: StudyFilters = {}, offset = 0, limit = 100, field: 'studyDate' | 'patientId' = 'studyDate'): Promise<StudyPage> {
  const result = await services.dispatch('library:listStudies', { offset, limit, filters, sort: { field, direction: field === 'studyDate' ? 'desc' : 'asc' } });
  assert.ok(result.ok, JSON.stringify(result));
  return result.value as StudyPage;
}

const count = (sql: string, ...params: unknown[]) => (services.db.prepare(sql).get(...params) as { n: number }).n;

test('windows tile the whole list in order, without gaps or repeats', async () => {
  const all = await list({}, 0, 1000);
  const windows = [await list({}, 0, 400), await list({}, 400, 400), await list({}, 800, 400)];
  const ids = windows.flatMap((w) => w.items.map((s) => s.id));
  assert.equal(ids.length, STUDIES);
  assert.equal(new Set(ids).size, STUDIES);
  assert.deepEqual(ids.slice(0, 1000), all.items.map((s) => s.id));
  const dates = ids.map((id) => (services.db.prepare('SELECT study_date AS d FROM studies WHERE id = ?').get(id) as { d: string }).d);
  assert.deepEqual(dates, [...dates].sort().reverse());
  assert.equal(windows[0]!.total, STUDIES);
  assert.deepEqual(windows[0]!.labelSchema?.name, 'CheXpert');
});

test('each row says how far it is labelled and which image is its thumbnail', async () => {
  const page = await list({}, 0, 1000);
  for (const s of page.items.slice(0, 200)) {
    const labelled = count("SELECT count(DISTINCT label) AS n FROM labels WHERE study_id = ? AND source IN ('human', 'imported')", s.id);
    const suggested = count("SELECT count(DISTINCT label) AS n FROM labels WHERE study_id = ? AND source = 'suggested'", s.id);
    assert.deepEqual(s.labelStatus, { labelled, total: 14, suggested });
    const image = services.db.prepare('SELECT i.id FROM instances i JOIN series se ON se.id = i.series_id WHERE se.study_id = ?').get(s.id) as { id: number };
    assert.equal(s.thumbnailInstanceId, image.id);
  }
});

test('label state and split filters keep exactly the matching studies', async () => {
  const people = "SELECT count(DISTINCT label) FROM labels l WHERE l.study_id = s.id AND l.source IN ('human', 'imported')";
  const expectations: [StudyFilters, string][] = [
    [{ labelState: 'labelled' }, `(${people}) > 0`],
    [{ labelState: 'unlabelled' }, `(${people}) = 0`],
    [{ labelState: 'complete' }, `(${people}) = 14`],
    [{ labelState: 'partial' }, `(${people}) BETWEEN 1 AND 13`],
    [{ labelState: 'suggested' }, `(${people}) = 0 AND EXISTS (SELECT 1 FROM labels l WHERE l.study_id = s.id AND l.source = 'suggested')`],
    [{ split: 'test' }, "EXISTS (SELECT 1 FROM dataset_splits d WHERE d.study_id = s.id AND d.split = 'test')"],
    [{ split: 'val', modality: 'CT' }, "EXISTS (SELECT 1 FROM dataset_splits d WHERE d.study_id = s.id AND d.split = 'val') AND s.modalities = 'CT'"],
  ];
  for (const [filters, sql] of expectations) {
    const want = count(`SELECT count(*) AS n FROM studies s WHERE ${sql}`);
    const page = await list(filters, 0, 1000);
    assert.equal(page.total, want, JSON.stringify(filters));
    assert.ok(want > 0, `${JSON.stringify(filters)} matches something in the fixture`);
    for (const s of page.items) {
      if (filters.labelState === 'complete') assert.equal(s.labelStatus?.labelled, 14);
      if (filters.labelState === 'unlabelled') assert.equal(s.labelStatus?.labelled, 0);
    }
  }
  const options = await services.dispatch('library:listOptions', {});
  assert.ok(options.ok);
  assert.deepEqual(options.value, {
    modalities: ['CR', 'CT', 'DX', 'MR'],
    datasets: [
      {
        id: 1,
        name: 'big-split',
        train: count("SELECT count(*) AS n FROM dataset_splits WHERE split = 'train'"),
        val: count("SELECT count(*) AS n FROM dataset_splits WHERE split = 'val'"),
        test: count("SELECT count(*) AS n FROM dataset_splits WHERE split = 'test'"),
      },
    ],
    labelSchemas: [{ id: 1, name: 'CheXpert', builtIn: true }],
  });
});

test('report search finds the studies whose reports hold the words, with the hits marked', async () => {
  const page = await list({ reportQuery: RARE_WORD.slice(0, 6).toUpperCase() }, 0, 1000);
  assert.equal(page.total, seeded.rare);
  for (const s of page.items) {
    assert.ok(s.reportMatch, `study ${s.id} has a passage`);
    const hits = splitHighlights(s.reportMatch).filter((p) => p.hit);
    assert.deepEqual(
      hits.map((h) => h.text),
      [RARE_WORD],
    );
  }
  // Every word must occur (stemmed): "effusions" finds "effusion", and both words together narrow the set.
  const both = await list({ reportQuery: 'pleural effusions' }, 0, 1);
  const pleural = await list({ reportQuery: 'pleural' }, 0, 1);
  assert.equal(both.total, count("SELECT count(DISTINCT study_id) AS n FROM reports WHERE raw_text LIKE '%pleural%' AND raw_text LIKE '%effusion%'"));
  assert.ok(pleural.total >= both.total && both.total > 0);
  for (const part of splitHighlights(both.items[0]!.reportMatch!).filter((p) => p.hit)) assert.match(part.text, /^(pleural|effusions?)$/i);
  // FTS5 syntax in the box is taken as words, not as a query.
  const odd = await list({ reportQuery: '"pleural" NEAR(' }, 0, 1);
  assert.equal(odd.total, 0, 'no report has a word starting with "near"');
  const quoted = await list({ reportQuery: '"pleural' }, 0, 1);
  assert.equal(quoted.total, pleural.total);
  const none = await list({ reportQuery: '!!!' }, 0, 1);
  assert.equal(none.total, STUDIES, 'no word: no report filter');
});

test('the search follows reports added, changed and removed', async () => {
  const word = 'zygomaticotemporal';
  assert.equal((await list({ reportQuery: word })).total, 0);
  const [a, b] = (await list({}, 0, 2)).items.map((s) => s.id) as [number, number];
  const report = services.db.prepare("INSERT INTO reports (study_id, raw_text, source) VALUES (?, ?, 'txt') RETURNING id").get(a, `Old ${word} fracture.`) as { id: number };
  assert.deepEqual((await list({ reportQuery: word })).items.map((s) => s.id), [a]);
  services.db.prepare('UPDATE reports SET study_id = ?, raw_text = ? WHERE id = ?').run(b, `Healed ${word} fracture.`, report.id);
  const moved = await list({ reportQuery: word });
  assert.deepEqual(moved.items.map((s) => s.id), [b]);
  assert.match(moved.items[0]!.reportMatch!, new RegExp(`Healed ${MATCH_START}${word}${MATCH_END} fracture`));
  services.db.prepare('DELETE FROM reports WHERE id = ?').run(report.id);
  assert.equal((await list({ reportQuery: word })).total, 0);
});

test('the FTS query keeps user text as quoted prefix terms', () => {
  assert.equal(reportFtsQuery('Pleural  effusion'), '"Pleural"* "effusion"*');
  assert.equal(reportFtsQuery('a "b" OR c*'), '"a"* "b"* "OR"* "c"*');
  assert.equal(reportFtsQuery(' -- '), null);
});

test('splitHighlights turns marks into text parts and drops nothing else', () => {
  assert.deepEqual(splitHighlights(`a ${MATCH_START}b${MATCH_END} <c>`), [
    { text: 'a ', hit: false },
    { text: 'b', hit: true },
    { text: ' <c>', hit: false },
  ]);
  assert.deepEqual(splitHighlights('plain'), [{ text: 'plain', hit: false }]);
});

test('startImport imports a folder in the background and ends with a summary event', async () => {
  const { mkdirSync, writeFileSync, copyFileSync, existsSync, readdirSync, statSync } = await import('node:fs');
  const shared = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom', 'syntaxes');
  const folder = join(dir, 'incoming');
  mkdirSync(folder);
  writeFileSync(join(folder, 'readme.txt'), 'not DICOM');
  const withDicom = existsSync(shared);
  if (withDicom) for (const name of readdirSync(shared)) if (statSync(join(shared, name)).isFile()) copyFileSync(join(shared, name), join(folder, name));
  const events: { type: string; summary?: unknown; done?: number; total?: number | null }[] = [];
  const unsubscribe = services.events.subscribe((e) => events.push(e));
  const bad = await services.dispatch('library:startImport', { path: 'relative/folder' });
  assert.ok(!bad.ok && /absolute path/.test(bad.error.message));
  const started = await services.dispatch('library:startImport', { path: folder });
  assert.ok(started.ok);
  const again = await services.dispatch('library:startImport', { path: folder });
  assert.ok(!again.ok && /already running/.test(again.error.message));
  const library = services.impl.library as unknown as { imports: { idle(): Promise<void> } };
  await library.imports.idle();
  unsubscribe();
  assert.equal(events[0]!.type, 'started');
  const progress = events.filter((e) => e.type === 'progress');
  assert.ok(progress.length >= 1);
  assert.equal(progress.at(-1)!.done, progress.at(-1)!.total);
  const done = events.at(-1)!;
  assert.equal(done.type, 'done');
  const summary = done.summary as { studiesBefore: number; studiesAfter: number; imagesAdded: number; rejected: { path: string; reason: string }[] };
  assert.deepEqual(summary.rejected, [{ path: join(folder, 'readme.txt'), reason: 'not_dicom' }]);
  assert.equal(summary.studiesAfter, count('SELECT count(*) AS n FROM studies'));
  if (withDicom) assert.ok(summary.imagesAdded >= 1 && summary.studiesAfter > summary.studiesBefore);
});
