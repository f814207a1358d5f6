/**
 * End to end in real Chromium through browser mode: the shared DICOM files
 * imported into a fresh library, the MONOCHROME1 chest CR opened from the
 * Library screen (lungs must show dark, bone bright), window/level changed by
 * drag and preset, and the 20-slice MR series scrolled by wheel and keys.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openLibrary } from '../../src-main/db/connection';
import { IngestRepo } from '../../src-main/db/ingest-repo';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { decodeFrame } from '../../src-main/ingest/pixels/decode';
import { robustRange } from '../../src-main/ingest/pixels/window';
import { reportRecord } from '../../src-main/ingest/reports/index';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom');
const CR_FILE = join(DATA, 'chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm');
const MR_DIR = join(DATA, 'syntaxes', 'volume');
const REPORT = `FINDINGS: The heart size is normal. There are multiple rounded opacities in both lungs. No pleural effusion.
IMPRESSION: Multiple pulmonary nodules, likely metastases.`;
const skip = existsSync(DATA) ? false : `shared DICOM data not found at ${DATA}`;

let browser: Browser;
let page: Page;
let server: Awaited<ReturnType<typeof startCli>>;
const consoleErrors: string[] = [];
const libraryPath = join(tempDir(), 'library.sqlite');
const ids = { crStudy: 0, crInstance: 0, mrStudy: 0, mrInstances: [] as number[], ctStudy: 0, ctInstance: 0, xaStudy: 0, xaInstance: 0 };

before(async () => {
  if (skip) return;
  const db = openLibrary(libraryPath);
  // The uncompressed CR first: its J2K and JPEG-LS copies share its SOP Instance UID and are then duplicates.
  await importDicom(db, [CR_FILE], { decode: false });
  await importDicom(db, [DATA], { decode: false });
  const cr = db.prepare('SELECT i.id, se.study_id FROM instances i JOIN series se ON se.id = i.series_id WHERE i.path = ?').get(CR_FILE) as { id: number; study_id: number };
  ids.crStudy = cr.study_id;
  ids.crInstance = cr.id;
  const firstSlice = db.prepare('SELECT se.study_id FROM instances i JOIN series se ON se.id = i.series_id WHERE i.path = ?').get(join(MR_DIR, 'brain_001.dcm')) as { study_id: number };
  ids.mrStudy = firstSlice.study_id;
  // One slice's SOP Instance UID is also in syntaxes/explicit_big.dcm: the series holds whichever file came first.
  const mr = db
    .prepare('SELECT i.id FROM instances i JOIN series se ON se.id = i.series_id WHERE se.study_id = ? ORDER BY i.instance_number')
    .all(ids.mrStudy) as { id: number }[];
  ids.mrInstances = mr.map((r) => r.id);
  const ct = db.prepare(`SELECT i.id, se.study_id FROM instances i JOIN series se ON se.id = i.series_id WHERE se.modality = 'CT' ORDER BY se.study_id LIMIT 1`).get() as { id: number; study_id: number };
  [ids.ctStudy, ids.ctInstance] = [ct.study_id, ct.id];
  const xa = db.prepare('SELECT i.id, se.study_id FROM instances i JOIN series se ON se.id = i.series_id WHERE i.frames > 1 ORDER BY i.frames DESC LIMIT 1').get() as { id: number; study_id: number };
  [ids.xaStudy, ids.xaInstance] = [xa.study_id, xa.id];
  new IngestRepo(db).putReport(ids.crStudy, reportRecord(REPORT, 'txt'));
  db.close();
  server = await startCli(['serve', '--library', libraryPath, '--json']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(server.info.url!);
  await page.waitForSelector('[data-testid=study-table] tbody tr');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openFromLibrary(studyId: number, expectedImageId: string): Promise<void> {
  await page.click('nav button:has-text("Library")');
  await page.waitForSelector(`[data-testid=study-table] tr[data-study-id="${studyId}"]`);
  await page.click(`[data-testid=study-table] tr[data-study-id="${studyId}"]`);
  await page.waitForSelector(`[data-testid=viewport][data-image-id="${expectedImageId}"]`, { timeout: 20_000 });
}

/**
 * Mean canvas gray level over a rectangle given in image fractions (0..1),
 * through the shown viewport's scale and centre. Plain JS source: the test
 * runner's transpiler would add helpers the page does not have.
 */
const MEAN_GRAY_IN_PAGE = `({ region, image }) => {
  const c = document.querySelector('[data-testid=viewport] canvas');
  const scale = Number(c.parentElement.dataset.scale);
  const x0 = c.width / 2 + (region.x0 - 0.5) * image.columns * scale;
  const x1 = c.width / 2 + (region.x1 - 0.5) * image.columns * scale;
  const y0 = c.height / 2 + (region.y0 - 0.5) * image.rows * scale;
  const y1 = c.height / 2 + (region.y1 - 0.5) * image.rows * scale;
  const data = c.getContext('2d').getImageData(Math.round(x0), Math.round(y0), Math.max(1, Math.round(x1 - x0)), Math.max(1, Math.round(y1 - y0))).data;
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
  return sum / (data.length / 4);
}`;

async function meanGray(region: { x0: number; x1: number; y0: number; y1: number }, image: { rows: number; columns: number }): Promise<number> {
  return page.evaluate(`(${MEAN_GRAY_IN_PAGE})(${JSON.stringify({ region, image })})`) as Promise<number>;
}

const CR_SIZE = { rows: 1955, columns: 1841 };
const LUNGS = [
  { x0: 0.22, x1: 0.32, y0: 0.27, y1: 0.37 },
  { x0: 0.68, x1: 0.78, y0: 0.25, y1: 0.35 },
];
const SPINE = { x0: 0.47, x1: 0.53, y0: 0.3, y1: 0.5 };

async function lungsAndBone(): Promise<{ lungs: number; bone: number }> {
  const lungs = (await meanGray(LUNGS[0]!, CR_SIZE) + (await meanGray(LUNGS[1]!, CR_SIZE))) / 2;
  return { lungs, bone: await meanGray(SPINE, CR_SIZE) };
}

/** Records every image id the viewport shows from now on (window.__shownImageIds). */
const RECORD_SHOWN_IN_PAGE = `(() => {
  window.__shownImageIds = [];
  new MutationObserver((records) => {
    for (const r of records) if (r.target.dataset.imageId) window.__shownImageIds.push(r.target.dataset.imageId);
  }).observe(document.body, { subtree: true, attributeFilter: ['data-image-id'] });
})()`;

test('the MONOCHROME1 chest CR opens from the Library with lungs dark and bone bright', { skip }, async () => {
  const started = Date.now();
  await page.evaluate(RECORD_SHOWN_IN_PAGE);
  await openFromLibrary(ids.crStudy, `convirt:${ids.crInstance}/0`);
  const firstPixelsMs = Number(await page.getAttribute('[data-testid=viewport]', 'data-first-pixels-ms'));
  const fullPixelsMs = Number(await page.getAttribute('[data-testid=viewport]', 'data-full-pixels-ms'));
  console.log(`# CR: click to first pixels (preview) ${firstPixelsMs.toFixed(0)} ms, full resolution ${fullPixelsMs.toFixed(0)} ms in page, ${Date.now() - started} ms seen by the test`);
  // Progressive: the 512-pixel preview first, then the full frame in its place; lungs and bone are sampled on the full frame.
  assert.deepEqual(await page.evaluate('window.__shownImageIds'), [`convirt:${ids.crInstance}/0/preview`, `convirt:${ids.crInstance}/0`]);
  assert.equal(await page.getAttribute('[data-testid=viewport]', 'data-resolution'), 'full');
  assert.ok(firstPixelsMs < fullPixelsMs, `preview (${firstPixelsMs} ms) before full resolution (${fullPixelsMs} ms)`);
  const { lungs, bone } = await lungsAndBone();
  assert.ok(bone > lungs + 40, `bone (${bone.toFixed(1)}) must show clearly brighter than lungs (${lungs.toFixed(1)})`);
  assert.match(await page.textContent('[data-testid=overlay-window]') ?? '', /^W 30000 L 15000/);
  await page.screenshot({ path: artifactPath('e2e', 'viewer-cr-monochrome1.png') });
});

test('the report pane shows sections and sentences; a click highlights one', { skip }, async () => {
  const pane = page.locator('[data-testid=report-pane]');
  assert.match(await pane.textContent() ?? '', /IMPRESSION/);
  await pane.locator('[data-sentence="1"]').click();
  assert.equal(await pane.locator('.highlighted').getAttribute('data-sentence'), '1');
  assert.match(await pane.locator('.highlighted').textContent() ?? '', /multiple rounded opacities/);
});

test('window/level by drag, auto and invert change what is shown', { skip }, async () => {
  const before = await lungsAndBone();
  const box = (await page.locator('[data-testid=viewport]').boundingBox())!;
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx - 200, cy + 40, { steps: 5 });
  await page.mouse.up();
  const width = Number(await page.getAttribute('[data-testid=viewport]', 'data-window-width'));
  const center = Number(await page.getAttribute('[data-testid=viewport]', 'data-window-center'));
  assert.ok(width < 30000 && center > 15000, `drag left/down narrows the window and raises the level: W ${width} L ${center}`);
  // The auto window spans the 0.5..99.5 percentiles of the modality values, as the importer's own robustRange finds them.
  const { low, high } = robustRange((await decodeFrame(CR_FILE, 0)).modality);
  await page.click('button[data-command=autoWindow]');
  await page.waitForFunction((w) => Math.abs(Number(document.querySelector<HTMLElement>('[data-testid=viewport]')!.dataset.windowWidth) - w) < 300, high - low);
  const autoCenter = Number(await page.getAttribute('[data-testid=viewport]', 'data-window-center'));
  assert.ok(Math.abs(autoCenter - (low + high) / 2) < 300, `auto level ${autoCenter} vs ${(low + high) / 2}`);
  const auto = await lungsAndBone();
  assert.ok(auto.bone - auto.lungs > before.bone - before.lungs, `the auto window shows more contrast (${JSON.stringify(auto)} vs ${JSON.stringify(before)})`);
  await page.screenshot({ path: artifactPath('e2e', 'viewer-cr-auto-window.png') });
  const overlayBefore = await page.textContent('[data-testid=overlay-window]');
  await page.keyboard.press('i');
  // Sample only once the viewer has re-rendered: the overlay follows the rendered state, then two frames.
  await page.waitForFunction((t) => document.querySelector('[data-testid=overlay-window]')?.textContent !== t, overlayBefore);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const inverted = await lungsAndBone();
  assert.ok(inverted.lungs > inverted.bone, 'inverted, the lungs show brighter than bone');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelector('[data-testid=overlay-window]')?.textContent?.startsWith('W 30000 L 15000'));
  await page.keyboard.press('o');
  assert.equal(await page.locator('[data-testid=overlay]').count(), 0, 'O hides the overlay');
  await page.keyboard.press('o');
  assert.equal(await page.locator('[data-testid=overlay]').count(), 1);
});

test('the 20-slice MR series scrolls by wheel and keys', { skip }, async () => {
  assert.equal(ids.mrInstances.length, 20);
  await openFromLibrary(ids.mrStudy, `convirt:${ids.mrInstances[0]}/0`);
  assert.match(await page.textContent('[data-testid=overlay-image]') ?? '', /Im 1 \/ 20/);
  const box = (await page.locator('[data-testid=viewport]').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 100);
  await page.waitForSelector(`[data-testid=viewport][data-image-id="convirt:${ids.mrInstances[5]}/0"]`);
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector(`[data-testid=viewport][data-image-id="convirt:${ids.mrInstances[6]}/0"]`);
  await page.keyboard.press('End');
  await page.waitForSelector(`[data-testid=viewport][data-image-id="convirt:${ids.mrInstances[19]}/0"]`);
  assert.match(await page.textContent('[data-testid=overlay-image]') ?? '', /Im 20 \/ 20/);
  await page.keyboard.press('ArrowDown');
  assert.match(await page.textContent('[data-testid=overlay-image]') ?? '', /Im 20 \/ 20/, 'scrolling stops at the last slice');
  await page.keyboard.press('Home');
  await page.keyboard.press('PageDown');
  await page.waitForSelector(`[data-testid=viewport][data-image-id="convirt:${ids.mrInstances[10]}/0"]`);
  await page.screenshot({ path: artifactPath('e2e', 'viewer-mr-slice-11.png') });
});

test('CT opens with lung, mediastinum and bone presets on keys 1, 2, 3', { skip }, async () => {
  await openFromLibrary(ids.ctStudy, `convirt:${ids.ctInstance}/0`);
  for (const [key, text] of [['1', 'W 1500 L -600'], ['2', 'W 350 L 50'], ['3', 'W 1800 L 400']] as const) {
    await page.keyboard.press(key);
    await page.waitForFunction((t) => document.querySelector('[data-testid=overlay-window]')?.textContent?.startsWith(t), text);
  }
  await page.screenshot({ path: artifactPath('e2e', 'viewer-ct-bone-window.png') });
});

test('rotate, zoom and flip change the view; reset brings it back', { skip }, async () => {
  await openFromLibrary(ids.crStudy, `convirt:${ids.crInstance}/0`);
  const scale = Number(await page.getAttribute('[data-testid=viewport]', 'data-scale'));
  const halves = async () => ({ left: await meanGray({ x0: 0.1, x1: 0.45, y0: 0.55, y1: 0.8 }, CR_SIZE), right: await meanGray({ x0: 0.55, x1: 0.9, y0: 0.55, y1: 0.8 }, CR_SIZE) });
  const before = await halves();
  await page.keyboard.press('h');
  let flipped = await halves();
  for (let tries = 0; tries < 50 && Math.abs(flipped.left - before.right) >= 3; tries++) {
    await page.waitForTimeout(100); // the flip draws on the next animation frame
    flipped = await halves();
  }
  assert.ok(Math.abs(flipped.left - before.right) < 3 && Math.abs(flipped.right - before.left) < 3, `a horizontal flip swaps the halves: ${JSON.stringify({ before, flipped })}`);
  await page.keyboard.press('+');
  await page.waitForFunction((s) => Math.abs(Number(document.querySelector<HTMLElement>('[data-testid=viewport]')!.dataset.scale) - s * 1.25) < 1e-6, scale);
  await page.keyboard.press('r');
  await page.waitForFunction(() => document.querySelector('[data-testid=overlay-zoom]')?.textContent?.includes('90°'));
  await page.screenshot({ path: artifactPath('e2e', 'viewer-cr-zoom-rotate-flip.png') });
  await page.keyboard.press('Escape');
  await page.waitForFunction((s) => Number(document.querySelector<HTMLElement>('[data-testid=viewport]')!.dataset.scale) === s && !document.querySelector('[data-testid=overlay-zoom]')?.textContent?.includes('°'), scale);
  const reset = await halves();
  assert.ok(Math.abs(reset.left - before.left) < 1 && Math.abs(reset.right - before.right) < 1, 'reset undoes the flip');
});

test('a multi-frame instance scrolls frame by frame', { skip }, async () => {
  await openFromLibrary(ids.xaStudy, `convirt:${ids.xaInstance}/0`);
  await page.keyboard.press('End');
  await page.waitForSelector(`[data-testid=viewport][data-image-id="convirt:${ids.xaInstance}/95"]`, { timeout: 20_000 });
  assert.match(await page.textContent('[data-testid=overlay-image]') ?? '', /Im 96 \/ 96/);
  await page.keyboard.press('ArrowUp');
  await page.waitForSelector(`[data-testid=viewport][data-image-id="convirt:${ids.xaInstance}/94"]`);
});

test('? shows the shortcut sheet and Esc closes it without resetting the view', { skip }, async () => {
  await page.keyboard.press('?');
  assert.match(await page.textContent('[data-testid=shortcut-sheet]') ?? '', /next unlabelled study/);
  await page.screenshot({ path: artifactPath('e2e', 'viewer-shortcuts.png') });
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=shortcut-sheet]').count(), 0);
});

test('no console errors or CSP violations', { skip }, () => {
  assert.deepEqual(consoleErrors, []);
});
