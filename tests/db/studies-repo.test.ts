/** The study list query: paging, every sort field, filters, detail and stats. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StudySortField } from '../../src-shared/contract/library';
import { getStudy, libraryStats } from '../../src-main/db/studies-repo';
import { listStudies } from '../../src-main/db/study-list';
import { seededLibrary } from '../helpers/library';

const { db } = seededLibrary(45, 11);
const all = (field: StudySortField, direction: 'asc' | 'desc' = 'asc', filters = {}) =>
  listStudies(db, { offset: 0, limit: 1000, sort: { field, direction }, filters });

test('pages partition the whole list without overlap, in a stable order', () => {
  const seen: number[] = [];
  for (let offset = 0; offset < 45; offset += 10) {
    const page = listStudies(db, { offset, limit: 10, sort: { field: 'studyDate', direction: 'desc' }, filters: {} });
    assert.equal(page.total, 45);
    seen.push(...page.items.map((s) => s.id));
  }
  assert.equal(seen.length, 45);
  assert.equal(new Set(seen).size, 45);
  assert.deepEqual(seen, all('studyDate', 'desc').items.map((s) => s.id));
});

test('every sort field orders its column in both directions', () => {
  const value = (s: ReturnType<typeof all>['items'][number], f: StudySortField): string | number | null =>
    ({ studyDate: s.studyDate, patientId: s.patientId, modality: s.modalities, description: s.description, imageCount: s.imageCount, importedAt: s.importedAt })[f];
  for (const field of StudySortField.options) {
    for (const direction of ['asc', 'desc'] as const) {
      const values = all(field, direction).items.map((s) => value(s, field)).filter((v) => v !== null);
      const sorted = [...values].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
      assert.deepEqual(values, direction === 'asc' ? sorted : sorted.reverse(), `${field} ${direction}`);
    }
  }
});

test('filters: modality, date range, report presence and text', () => {
  const cr = all('studyDate', 'asc', { modality: 'CR' });
  assert.ok(cr.total > 0 && cr.total < 45);
  assert.ok(cr.items.every((s) => s.modalities === 'CR'));

  const range = all('studyDate', 'asc', { dateFrom: '2017-01-01', dateTo: '2019-12-31' });
  assert.ok(range.items.every((s) => s.studyDate! >= '2017-01-01' && s.studyDate! <= '2019-12-31'));
  assert.equal(range.total, all('studyDate').items.filter((s) => s.studyDate! >= '2017-01-01' && s.studyDate! <= '2019-12-31').length);

  const withReport = all('studyDate', 'asc', { hasReport: true });
  const without = all('studyDate', 'asc', { hasReport: false });
  assert.equal(withReport.total + without.total, 45);
  assert.equal(without.total, 9); // every 5th sample study has no report
  assert.ok(withReport.items.every((s) => s.hasReport && s.reportSnippet));

  const text = all('studyDate', 'asc', { text: 'sample-00003' });
  assert.ok(text.total >= 1);
  assert.ok(text.items.every((s) => s.patientId === 'SAMPLE-00003'));
});

test('getStudy returns the series and report; unknown ids return null', () => {
  const first = all('studyDate').items.find((s) => s.hasReport)!;
  const detail = getStudy(db, first.id)!;
  assert.equal(detail.studyUid, first.studyUid);
  assert.equal(detail.series.length, 1);
  assert.ok(detail.report?.rawText.includes('IMPRESSION'));
  assert.equal(getStudy(db, 999_999), null);
});

test('stats count the library', () => {
  const stats = libraryStats(db);
  assert.equal(stats.studies, 45);
  assert.equal(stats.reports, 36);
  assert.equal(stats.modalities.reduce((a, m) => a + m.studies, 0), 45);
});
