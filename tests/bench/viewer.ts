/**
 * `npm run bench -- viewer`: the Viewer in real Chromium through browser mode
 * (build first: `npm run build`). Click-to-first-pixels for the 1955x1841 CR
 * and a 512x512 radiograph, cold (nothing decoded yet; both imported with the
 * preprocessed image cache, as `convirt import` does) and warm (decoded frame
 * cached by the services, renderer reloaded), next to their peer, the server's
 * decode of the same frame. The CR shows its preview first: the row also says
 * when its full resolution was on screen. And frames per second while
 * scrolling the 20-slice MR series. Targets: CR under 300 ms, scrolling at 30
 * fps or more.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openLibrary } from '../../src-main/db/connection';
import { cacheDirFor } from '../../src-main/ingest/cache/image-cache';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { decodeFrame } from '../../src-main/ingest/pixels/decode';
import { launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import type { BenchRow } from './main';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom');
const CASES = [
  { name: 'CR 1955x1841 16-bit MONOCHROME1', file: join(DATA, 'chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm') },
  { name: 'CXR 512x512 8-bit', file: join(DATA, 'generated', 'cxr_explicitLE.dcm') },
];
const MR_FIRST = join(DATA, 'syntaxes', 'volume', 'brain_001.dcm');
const WARM_REPEATS = 5;
const SCROLL_STEPS = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Opening {
  firstPixelsMs: number;
  /** Click to the full-resolution frame on screen (the first pixels when no preview was shown). */
  fullPixelsMs: number;
  /** Fetch time of the first pixel response (the preview's when there was one). */
  fetchMs: number;
}

/** Opens the Library and clicks the study once the list's thumbnails are in (the click is timed, not the page load). */
async function clickToFirstPixels(page: Page, url: string, studyId: number): Promise<Opening> {
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.click(`[data-testid=study-table] tr[data-study-id="${studyId}"]`);
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=viewport]')?.dataset.fullPixelsMs, null, { timeout: 60_000 });
  const firstPixelsMs = Number(await page.getAttribute('[data-testid=viewport]', 'data-first-pixels-ms'));
  const fullPixelsMs = Number(await page.getAttribute('[data-testid=viewport]', 'data-full-pixels-ms'));
  const fetchMs = (await page.evaluate(
    `performance.getEntriesByType('resource').filter((e) => e.name.includes('/pixels/')).map((e) => e.responseEnd - e.startTime)[0] ?? -1`,
  )) as number;
  return { firstPixelsMs, fullPixelsMs, fetchMs };
}

/** Steps through the series by key presses, each waiting for cornerstone's render of the new image. Plain JS: runs in the page. */
const SCROLL_IN_PAGE = `async (steps) => {
  const viewport = document.querySelector('[data-testid=viewport]');
  const rendered = () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no render within 5 s of a key press')), 5000);
    viewport.addEventListener('cornerstoneimagerendered', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
  const start = performance.now();
  let down = true;
  for (let i = 0; i < steps; i++) {
    if (i > 0 && i % 19 === 0) down = !down;
    const next = rendered();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: down ? 'ArrowDown' : 'ArrowUp' }));
    await next;
  }
  return performance.now() - start;
}`;

export const description = 'Viewer in Chromium: click-to-first-pixels (CR 1955x1841, 512x512) and stack-scroll fps (20-slice MR)';

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(DATA)) throw new Error(`shared DICOM data not found at ${DATA}`);
  const libraryPath = join(tempDir(), 'library.sqlite');
  const db = openLibrary(libraryPath);
  await importDicom(db, CASES.map((c) => c.file), { decode: true, cacheDir: cacheDirFor(libraryPath) });
  await importDicom(db, [DATA], { decode: false });
  const studyOf = db.prepare('SELECT se.study_id AS id FROM instances i JOIN series se ON se.id = i.series_id WHERE i.path = ?');
  const studyIds = CASES.map((c) => (studyOf.get(c.file) as { id: number }).id);
  const mrStudy = (studyOf.get(MR_FIRST) as { id: number }).id;
  db.close();

  const server = await startCli(['serve', '--library', libraryPath, '--json']);
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(server.info.url!);
    const url = page.url();
    for (const [i, c] of CASES.entries()) {
      const decodeStart = performance.now();
      await decodeFrame(c.file, 0);
      const decodeMs = performance.now() - decodeStart;
      const cold = await clickToFirstPixels(page, url, studyIds[i]!);
      const warm: Opening[] = [];
      for (let r = 0; r < WARM_REPEATS; r++) warm.push(await clickToFirstPixels(page, url, studyIds[i]!));
      const warmMs = median(warm.map((w) => w.firstPixelsMs));
      const warmFullMs = median(warm.map((w) => w.fullPixelsMs));
      process.stderr.write(
        `${c.name}: cold ${cold.firstPixelsMs.toFixed(0)} ms (full ${cold.fullPixelsMs.toFixed(0)}), warm median ${warmMs.toFixed(0)} ms (full ${warmFullMs.toFixed(0)}), server decode ${decodeMs.toFixed(0)} ms\n`,
      );
      rows.push({
        measure: `click-to-first-pixels: ${c.name}`,
        coldMs: cold.firstPixelsMs,
        coldFullMs: cold.fullPixelsMs,
        warmMedianMs: warmMs,
        warmFullMedianMs: warmFullMs,
        warmFetchMs: median(warm.map((w) => w.fetchMs)),
        peerServerDecodeMs: decodeMs,
        ratioColdToDecode: cold.firstPixelsMs / decodeMs,
        target: '< 300 ms',
        met: cold.firstPixelsMs < 300,
      });
    }
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.click(`[data-testid=study-table] tr[data-study-id="${mrStudy}"]`);
    await page.waitForSelector('[data-testid=viewport][data-prefetched="20"]', { timeout: 60_000 });
    const scrollMs = (await page.evaluate(`(${SCROLL_IN_PAGE})(${SCROLL_STEPS})`)) as number;
    const fps = (SCROLL_STEPS * 1000) / scrollMs;
    rows.push({ measure: 'stack scroll: MR 20 slices 256x256, key per frame', frames: SCROLL_STEPS, fps, msPerFrame: scrollMs / SCROLL_STEPS, target: '>= 30 fps', met: fps >= 30 });
  } finally {
    await browser.close();
    await server.stop();
  }
  return rows;
}
