/**
 * End to end: browser mode on a 3,000-study library, opened in real Chromium.
 * The virtual study list shows the services' rows and only the rows in view,
 * sorts, scrolls to rows far down, filters by label state, searches the
 * reports with the hits highlighted (as text, never as HTML), shows
 * thumbnails, and imports a folder from the import dialog.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { StudyFilters, StudySortField } from '../../src-shared/contract/library';
import { openLibrary } from '../../src-main/db/connection';
import { listStudies } from '../../src-main/db/study-list';
import { RARE_WORD, seedBigLibrary } from '../helpers/big-library';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const STUDIES = 3000;
const ROW_HEIGHT = 44;
const SHARED_SYNTAXES = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom', 'syntaxes');
let browser: Browser;
let page: Page;
let server: Awaited<ReturnType<typeof startCli>>;
const consoleErrors: string[] = [];
const dir = tempDir();
const libraryPath = join(dir, 'library.sqlite');
/** A report whose text looks like markup: it must show as text. */
const MARKUP_REPORT = `<img src=x onerror="document.body.dataset.pwned=1"> ${RARE_WORD} <b>bold</b>`;

before(async () => {
  const db = openLibrary(libraryPath);
  seedBigLibrary(db, { studies: STUDIES, imageDir: dir, rareEvery: 97 });
  const newest = db.prepare('SELECT id FROM studies ORDER BY study_date DESC, id DESC LIMIT 1').get() as { id: number };
  db.prepare("UPDATE reports SET raw_text = ? WHERE study_id = ?").run(MARKUP_REPORT, newest.id);
  db.close();
  server = await startCli(['serve', '--library', libraryPath, '--json']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function expected(field: StudySortField, direction: 'asc' | 'desc', offset = 0, filters: StudyFilters = {}, limit = 100) {
  const db = openLibrary(libraryPath, { readonly: true });
  try {
    return listStudies(db, { offset, limit, sort: { field, direction }, filters });
  } finally {
    db.close();
  }
}

async function shownRows(): Promise<{ index: number; id: number; patient: string; date: string }[]> {
  return page.$$eval('[data-testid=study-table] tr[data-study-id]', (rows) =>
    rows.map((r) => ({
      index: Number(r.getAttribute('data-row-index')),
      id: Number(r.getAttribute('data-study-id')),
      patient: r.querySelector('.patient')!.textContent!.trim(),
      date: r.querySelector('.date')!.textContent!.trim(),
    })),
  );
}

test('the URL without its token answers 401', async () => {
  const stranger = await browser.newPage();
  const response = await stranger.goto(server.info.origin!);
  assert.equal(response?.status(), 401);
  await stranger.close();
});

test('the virtual list shows the services rows newest first, only those in view, and the total', async () => {
  await page.goto(server.info.url!);
  await page.waitForSelector('[data-testid=study-table] tr[data-study-id]');
  const rows = await shownRows();
  const want = expected('studyDate', 'desc').items;
  assert.ok(rows.length >= 15 && rows.length <= 60, `rows in the DOM: ${rows.length}`);
  assert.deepEqual(rows.map((r) => r.id), want.slice(0, rows.length).map((s) => s.id));
  assert.equal(await page.textContent('[data-testid=study-count]'), '3,000 studies');
  assert.match((await page.textContent('[data-testid=status-bar]')) ?? '', /Library: .*library\.sqlite/);
  // The label column counts CheXpert labels set of the schema's 14.
  const labelled = want.findIndex((s) => (s.labelStatus?.labelled ?? 0) > 0);
  if (labelled >= 0 && labelled < rows.length) {
    const cell = await page.textContent(`tr[data-study-id="${want[labelled]!.id}"] td.labels`);
    assert.equal(cell?.trim(), `${want[labelled]!.labelStatus!.labelled}/14`);
  }
  await page.screenshot({ path: artifactPath('e2e', 'library.png') });
});

test('thumbnails load once the list is still, as small images, a few requests at a time', async () => {
  const img = page.locator('[data-testid=study-table] tr[data-study-id] td.thumb img').first();
  await img.waitFor();
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLImageElement>('[data-testid=study-table] td.thumb img');
    return !!el && el.complete && el.naturalWidth > 0;
  });
  const size = await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight]);
  assert.deepEqual(size, [96, 96]);
  // Every row in view gets its thumbnail.
  await page.waitForFunction(() => {
    const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid=study-table] td.thumb img'));
    return imgs.length >= 15 && imgs.every((el) => el.complete && el.naturalWidth === 96);
  });
});

test('scrolling far down shows the rows of that place, still only a window of them', async () => {
  const target = 2000;
  await page.$eval('[data-testid=study-scroller]', (el, top) => el.scrollTo(0, top), target * ROW_HEIGHT);
  await page.waitForSelector(`[data-testid=study-table] tr[data-study-id][data-row-index="${target}"]`);
  const rows = await shownRows();
  assert.ok(rows.length <= 60, `rows in the DOM: ${rows.length}`);
  const firstIndex = rows[0]!.index;
  const want = expected('studyDate', 'desc', firstIndex, {}, rows.length).items;
  assert.deepEqual(rows.map((r) => r.id), want.map((s) => s.id));
  await page.screenshot({ path: artifactPath('e2e', 'library-scrolled.png') });
});

test('sorting by patient asks the services and goes back to the top', async () => {
  await page.click('th button:has-text("Patient")');
  await page.waitForFunction(() => document.querySelector('[aria-sort=ascending]')?.textContent?.includes('Patient'));
  const want = expected('patientId', 'asc').items;
  await page.waitForFunction((id) => document.querySelector('[data-testid=study-table] tr[data-study-id]')?.getAttribute('data-study-id') === String(id), want[0]!.id);
  const rows = await shownRows();
  assert.equal(rows[0]!.index, 0);
  assert.deepEqual(rows.map((r) => r.patient), want.slice(0, rows.length).map((s) => s.patientId));
  await page.click('th button:has-text("Date")');
  await page.waitForFunction(() => document.querySelector('[aria-sort=descending]')?.textContent?.includes('Date'));
});

test('the label state filter shows what the services count', async () => {
  const want = expected('studyDate', 'desc', 0, { labelState: 'complete' });
  await page.selectOption('select[aria-label="Label state"]', 'complete');
  await page.waitForFunction((n) => document.querySelector('[data-testid=study-count]')?.textContent === `${n} studies`, want.total);
  const rows = await shownRows();
  assert.deepEqual(rows.map((r) => r.id), want.items.slice(0, rows.length).map((s) => s.id));
  for (const cell of await page.$$eval('[data-testid=study-table] tr[data-study-id] td.labels', (tds) => tds.map((td) => td.textContent!.trim()))) assert.equal(cell, '14/14');
  await page.selectOption('select[aria-label="Label state"]', '');
  await page.waitForFunction((n) => document.querySelector('[data-testid=study-count]')?.textContent === `${n} studies`, '3,000');
});

test('searching the reports filters the list and highlights the hits as text', async () => {
  const want = expected('studyDate', 'desc', 0, { reportQuery: RARE_WORD.slice(0, 7) });
  assert.ok(want.total > 10);
  await page.fill('input[aria-label="Search reports"]', RARE_WORD.slice(0, 7));
  await page.waitForFunction((n) => document.querySelector('[data-testid=study-count]')?.textContent === `${n} studies`, want.total);
  await page.waitForSelector('[data-testid=report-match] mark');
  const marks = await page.$$eval('[data-testid=study-table] [data-testid=report-match] mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(marks.length >= Math.min(want.total, 15));
  for (const m of marks) assert.equal(m?.toLowerCase(), RARE_WORD);
  // The report that looks like markup is shown as its characters: no element, no handler ran.
  const first = page.locator(`tr[data-study-id="${want.items[0]!.id}"] [data-testid=report-match]`);
  assert.match((await first.textContent()) ?? '', /<img src=x onerror=/);
  assert.equal(await first.locator('img, b').count(), 0);
  assert.equal(await page.evaluate(() => document.body.dataset.pwned ?? null), null);
  await page.screenshot({ path: artifactPath('e2e', 'library-search.png') });
  await page.fill('input[aria-label="Search reports"]', '');
  await page.waitForFunction(() => document.querySelector('[data-testid=study-count]')?.textContent === '3,000 studies');
});

test('the import dialog imports a folder, shows progress and the summary with the rejected file', { skip: !existsSync(SHARED_SYNTAXES) && `${SHARED_SYNTAXES} is absent` }, async () => {
  const folder = join(dir, 'to-import');
  mkdirSync(folder);
  for (const name of readdirSync(SHARED_SYNTAXES)) {
    const from = join(SHARED_SYNTAXES, name);
    if (statSync(from).isFile()) copyFileSync(from, join(folder, name));
  }
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
  await page.click('button:has-text("Import…")');
  await page.waitForSelector('[data-testid=import-dialog][open]');
  await page.fill('[data-testid=import-dialog] input[name=path]', folder);
  await page.click('[data-testid=import-dialog] button[type=submit]');
  await page.waitForSelector('[data-testid=import-progress]');
  await page.waitForSelector('[data-testid=import-summary]', { timeout: 60_000 });
  const added = Number(await page.textContent('[data-testid=import-new-studies]'));
  assert.ok(added >= 1, `new studies: ${added}`);
  const summary = (await page.textContent('[data-testid=import-summary]')) ?? '';
  assert.match(summary, /1\s+rejected/);
  assert.match(summary, /notes\.txt: not_dicom/);
  await page.screenshot({ path: artifactPath('e2e', 'library-import.png') });
  await page.click('[data-testid=import-dialog] button:has-text("Close")');
  await page.waitForFunction((n) => document.querySelector('[data-testid=study-count]')?.textContent === `${n} studies`, (STUDIES + added).toLocaleString('en-US'));
});

test('no console errors or CSP violations', () => {
  assert.deepEqual(consoleErrors, []);
});
