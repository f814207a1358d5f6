/**
 * Labelling by keyboard in real Chromium through browser mode, on the shared
 * DICOM files imported into a fresh library: ten studies labelled with the
 * CheXpert keys, found again after a reload, undo, exported CSV equal to what
 * was typed and to the library, and a CheXpert-style CSV imported.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHEXPERT_OBSERVATIONS } from '../../src-shared/contract/labels';
import { openLibrary } from '../../src-main/db/connection';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { currentUser } from '../../src-main/services/labels-service';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom');
const skip = existsSync(DATA) ? false : `shared DICOM data not found at ${DATA}`;
const KEY_OF = { positive: 'p', negative: 'n', uncertain: 'u' } as const;
const CSV_OF = { positive: '1.0', negative: '0.0', uncertain: '-1.0' } as const;
type Value = keyof typeof KEY_OF;

let browser: Browser;
let page: Page;
let server: Awaited<ReturnType<typeof startCli>>;
const dir = tempDir();
const libraryPath = join(dir, 'library.sqlite');
let studies: { id: number; study_uid: string }[] = [];
/** What the test types: study id -> observation index -> value. */
const typed = new Map<number, Map<number, Value>>();

before(async () => {
  if (skip) return;
  const db = openLibrary(libraryPath);
  await importDicom(db, [DATA], { decode: false });
  studies = db.prepare('SELECT id, study_uid FROM studies ORDER BY id').all() as typeof studies;
  db.close();
  server = await startCli(['serve', '--library', libraryPath, '--json']);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
  page = await context.newPage();
  await page.goto(server.info.url!);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openStudy(studyId: number): Promise<void> {
  await page.click('nav button:has-text("Library")');
  await page.click(`[data-testid=study-table] tr[data-study-id="${studyId}"]`);
  await page.waitForSelector(`[data-testid=label-panel][data-study-id="${studyId}"]`);
}

async function shownValues(): Promise<Map<string, string>> {
  const pairs = await page.$$eval('[data-testid=label-panel] li', (items) => items.map((li) => [li.getAttribute('data-label')!, li.getAttribute('data-value')!] as [string, string]));
  return new Map(pairs.filter(([, v]) => v !== ''));
}

test('ten studies labelled by keyboard, moving on with "next unlabelled"', { skip }, async () => {
  assert.ok(studies.length >= 10, `the shared files make ${studies.length} studies`);
  await openStudy(studies[0]!.id);
  for (let k = 0; k < 10; k++) {
    const studyId = studies[k]!.id;
    await page.waitForSelector(`[data-testid=label-panel][data-study-id="${studyId}"]`);
    // A different pattern per study: skip k % 4 observations, then three values in a row.
    const values: Value[] = (['positive', 'negative', 'uncertain', 'negative', 'positive'] as Value[]).slice(k % 3, (k % 3) + 3);
    const mine = new Map<number, Value>();
    for (let s = 0; s < k % 4; s++) await page.keyboard.press('j');
    values.forEach((v, i) => mine.set((k % 4) + i, v));
    for (const v of values) await page.keyboard.press(KEY_OF[v]);
    typed.set(studyId, mine);
    for (const [index, value] of mine) {
      await page.waitForSelector(`[data-testid=label-panel] li[data-label="${CHEXPERT_OBSERVATIONS[index]}"][data-value="${value}"]`);
    }
    if (k < 9) await page.keyboard.press('/');
  }
  assert.match(await page.textContent('[data-testid=label-progress]') ?? '', new RegExp(`^10 / ${studies.length} studies labelled`));
  await page.screenshot({ path: artifactPath('e2e', 'viewer-labels.png') });
});

test('labels are there after a reload, with who and when', { skip }, async () => {
  await page.reload();
  await page.waitForSelector('[data-testid=study-table] tbody tr');
  for (const [studyId, mine] of typed) {
    await openStudy(studyId);
    const expected = new Map([...mine].map(([index, value]) => [CHEXPERT_OBSERVATIONS[index]!, value as string]));
    assert.deepEqual(await shownValues(), expected, `study ${studyId}`);
  }
  const db = openLibrary(libraryPath, { readonly: true });
  const rows = db.prepare("SELECT DISTINCT author, source FROM labels").all();
  const recent = db.prepare("SELECT count(*) AS n FROM labels WHERE created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 minutes')").get() as { n: number };
  const total = db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number };
  db.close();
  assert.deepEqual(rows, [{ author: currentUser(), source: 'human' }]);
  assert.equal(recent.n, total.n);
  assert.equal(total.n, 30);
});

test('undo puts back what a key changed', { skip }, async () => {
  const studyId = studies[0]!.id;
  await openStudy(studyId);
  const first = CHEXPERT_OBSERVATIONS[0];
  await page.waitForSelector(`[data-testid=label-panel] li[data-label="${first}"][data-value="positive"]`);
  await page.keyboard.press('x');
  await page.waitForSelector(`[data-testid=label-panel] li[data-label="${first}"][data-value=""]`);
  await page.keyboard.press('z');
  await page.waitForSelector(`[data-testid=label-panel] li[data-label="${first}"][data-value="positive"]`);
});

test('the exported CSV holds exactly what was typed, in CheXpert convention', { skip }, async () => {
  const downloading = page.waitForEvent('download');
  await page.click('[data-testid=export-labels]');
  const file = join(dir, 'export.csv');
  await (await downloading).saveAs(file);
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(header, ['study_uid', ...CHEXPERT_OBSERVATIONS].join(','));
  const expected = studies.slice(0, 10).map((s) => {
    const mine = typed.get(s.id)!;
    return [s.study_uid, ...CHEXPERT_OBSERVATIONS.map((_, i) => (mine.has(i) ? CSV_OF[mine.get(i)!] : ''))].join(',');
  });
  assert.deepEqual(lines, expected);
});

test('a CheXpert CSV imports; rows for unknown studies are skipped with the line', { skip }, async () => {
  const target = studies[10]!;
  const csv = [
    `study_uid,${CHEXPERT_OBSERVATIONS.slice(0, 3).join(',')}`,
    `${target.study_uid},1.0,,-1.0`,
    '9.9.9.unknown,1.0,0.0,0.0',
  ].join('\n');
  const file = join(dir, 'import.csv');
  writeFileSync(file, csv);
  await openStudy(target.id);
  await page.setInputFiles('[data-testid=label-panel] input[type=file]', file);
  await page.waitForSelector('[data-testid=label-panel] >> text=Imported 2 labels for 1 studies; 1 rows skipped');
  assert.deepEqual(await shownValues(), new Map([[CHEXPERT_OBSERVATIONS[0], 'positive'], [CHEXPERT_OBSERVATIONS[2], 'uncertain']]));
  await page.screenshot({ path: artifactPath('e2e', 'viewer-labels-imported.png') });
});
