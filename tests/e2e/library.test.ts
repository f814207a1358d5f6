/**
 * End to end: browser mode on a seeded library, opened in real Chromium; the
 * study list shows the library's rows, sorts and pages through the services.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openLibrary } from '../../src-main/db/connection';
import { listStudies } from '../../src-main/db/studies-repo';
import { seedSampleLibrary } from '../../src-main/demo/sample-library';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const STUDIES = 130;
let browser: Browser;
let page: Page;
let server: Awaited<ReturnType<typeof startCli>>;
const consoleErrors: string[] = [];
const libraryPath = join(tempDir(), 'library.sqlite');

before(async () => {
  const db = openLibrary(libraryPath);
  seedSampleLibrary(db, { studies: STUDIES, seed: 99 });
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

function expected(field: 'studyDate' | 'patientId', direction: 'asc' | 'desc', offset = 0) {
  const db = openLibrary(libraryPath, { readonly: true });
  try {
    return listStudies(db, { offset, limit: 50, sort: { field, direction }, filters: {} }).items;
  } finally {
    db.close();
  }
}

async function shownRows(): Promise<{ patient: string; date: string }[]> {
  return page.$$eval('[data-testid=study-table] tbody tr', (rows) =>
    rows.map((r) => ({ patient: r.querySelector('.patient')!.textContent!.trim(), date: r.querySelector('.date')!.textContent!.trim() })),
  );
}

test('the URL without its token answers 401', async () => {
  // A page of its own: the refused page logs its own 401s, which are not the app's errors.
  const stranger = await browser.newPage();
  const response = await stranger.goto(server.info.origin!);
  assert.equal(response?.status(), 401);
  await stranger.close();
});

test('the study list shows the library, newest first', async () => {
  await page.goto(server.info.url!);
  await page.waitForSelector('[data-testid=study-table] tbody tr');
  const rows = await shownRows();
  const want = expected('studyDate', 'desc');
  assert.equal(rows.length, 50);
  assert.deepEqual(rows, want.map((s) => ({ patient: s.patientId!, date: s.studyDate! })));
  assert.match(await page.textContent('[data-testid=page-status]') ?? '', new RegExp(`1–50 of ${STUDIES}`));
  assert.match(await page.textContent('[data-testid=status-bar]') ?? '', /Library: .*library\.sqlite/);
  await page.screenshot({ path: artifactPath('e2e', 'library.png') });
});

test('sorting by patient and paging go through the services', async () => {
  await page.click('th button:has-text("Patient")');
  await page.waitForFunction(() => document.querySelector('[aria-sort=ascending]')?.textContent?.includes('Patient'));
  await page.waitForFunction(
    (first) => document.querySelector('[data-testid=study-table] tbody tr .patient')?.textContent?.trim() === first,
    expected('patientId', 'asc')[0]!.patientId,
  );
  assert.deepEqual((await shownRows()).map((r) => r.patient), expected('patientId', 'asc').map((s) => s.patientId));
  await page.click('button:has-text("Next")');
  await page.waitForFunction(() => document.querySelector('[data-testid=page-status]')?.textContent?.startsWith('51–100'));
  assert.deepEqual((await shownRows()).map((r) => r.patient), expected('patientId', 'asc', 50).map((s) => s.patientId));
  await page.screenshot({ path: artifactPath('e2e', 'library-sorted-page2.png') });
});

test('the other screens say what will be there', async () => {
  await page.click('nav button:has-text("Train")');
  assert.match((await page.textContent('main')) ?? '', /pretrains an image encoder with ConVIRT/);
  await page.click('nav button:has-text("Library")');
  await page.waitForSelector('[data-testid=study-table]');
});

test('no console errors or CSP violations', () => {
  assert.deepEqual(consoleErrors, []);
});
