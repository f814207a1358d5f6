/**
 * `npm run bench -- library-list [studies]`: the Library screen's virtual
 * study list in real Chromium through browser mode (build first), on a
 * library of 100,000 studies written with SQL. Scrolls the list frame by
 * frame and reports, per scenario, the requestAnimationFrame deltas (p50 /
 * p95 / max) and the main thread's work per frame (from the scroll event to
 * the end of that frame's rendering), next to its peer in the same page: the
 * same columns rendered as a plain, non-virtualized table of 1,000 studies.
 * Also the time from a sort to its first rows on screen (100,000, virtual)
 * against the time to show the 1,000-row plain table, and the window
 * requests' latency. Target: list frames under 16 ms (work p95).
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openLibrary } from '../../src-main/db/connection';
import { RARE_WORD, seedBigLibrary } from '../helpers/big-library';
import { launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import type { BenchRow } from './main';

export const description = 'Library study list in Chromium: frame times while scrolling 100,000 studies (virtual) vs 1,000 rendered plainly';

const FRAMES = 240;
const ROW_HEIGHT = 44;
const PEER_ROWS = 1000;
const FRAME_BUDGET_MS = 16;

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

interface FrameStats {
  deltas: number[];
  work: number[];
  pendingFrames: number;
  maxDomRows: number;
  /** Durations of the list's window requests made during the scroll, ms. */
  fetches: number[];
}

/** Scrolls `selector` by `step` px per animation frame for FRAMES frames, in the page. */
function scrollFrames(page: Page, selector: string, step: number): Promise<FrameStats> {
  return page.evaluate(
    ({ selector, step, frames }) =>
      new Promise<FrameStats>((resolve) => {
        const el = document.querySelector<HTMLElement>(selector)!;
        const deltas: number[] = [];
        const work: number[] = [];
        let scrollAt: number | null = null;
        let pendingFrames = 0;
        let maxDomRows = 0;
        const onScroll = () => {
          if (scrollAt === null) scrollAt = performance.now();
        };
        window.addEventListener('scroll', onScroll, { capture: true });
        // A message posted during requestAnimationFrame runs once that frame has been rendered.
        performance.clearResourceTimings();
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          if (scrollAt !== null) work.push(performance.now() - scrollAt);
          scrollAt = null;
        };
        let last: number | null = null;
        let n = 0;
        const tick = (t: number) => {
          if (last !== null) deltas.push(t - last);
          last = t;
          channel.port2.postMessage(0);
          const rows = el.querySelectorAll('tr').length;
          if (rows > maxDomRows) maxDomRows = rows;
          if (el.querySelector('tr.pending')) pendingFrames++;
          if (n++ >= frames) {
            window.removeEventListener('scroll', onScroll, { capture: true });
            const fetches = performance
              .getEntriesByType('resource')
              .filter((e) => e.name.includes('library:listStudies'))
              .map((e) => e.duration);
            setTimeout(() => resolve({ deltas, work, pendingFrames, maxDomRows, fetches }), 50);
            return;
          }
          el.scrollTop += step;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    { selector, step, frames: FRAMES },
  );
}

function row(measure: string, studies: number, stats: FrameStats): BenchRow {
  const workP95 = quantile(stats.work, 0.95);
  return {
    measure,
    studies,
    frames: stats.deltas.length,
    rafP50Ms: quantile(stats.deltas, 0.5),
    rafP95Ms: quantile(stats.deltas, 0.95),
    rafMaxMs: Math.max(...stats.deltas),
    workP50Ms: quantile(stats.work, 0.5),
    workP95Ms: workP95,
    domRowsMax: stats.maxDomRows,
    framesWithRowsLoading: stats.pendingFrames,
    windowFetches: stats.fetches.length,
    fetchP50Ms: stats.fetches.length ? quantile(stats.fetches, 0.5) : null,
    target: `work p95 < ${FRAME_BUDGET_MS} ms`,
    met: workP95 < FRAME_BUDGET_MS,
  };
}

/** Clicks a sort header and times, in the page, until the first rows of the new order are drawn. */
function timeResort(page: Page, header: string): Promise<number> {
  return page.evaluate(
    (header) =>
      new Promise<number>((resolve) => {
        const firstId = () => document.querySelector('[data-testid=study-table] tr[data-study-id]')?.getAttribute('data-study-id');
        const before = firstId();
        const started = performance.now();
        Array.from(document.querySelectorAll<HTMLButtonElement>('th button')).find((b) => b.textContent?.startsWith(header))!.click();
        const poll = () => {
          if (firstId() !== before && !document.querySelector('[data-testid=study-table] tr.pending')) resolve(performance.now() - started);
          else requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      }),
    header,
  );
}

/** The peer: the same columns as a plain table of every row, built with the DOM, in a scroller over the screen. */
async function renderPlainTable(page: Page, count: number): Promise<number> {
  return page.evaluate(async (count) => {
    const started = performance.now();
    const response = await fetch('api/library:listStudies', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ limit: count }) });
    const page = (await response.json()) as { value: { items: Record<string, unknown>[] } };
    const scroller = document.createElement('div');
    scroller.id = 'plain-peer';
    Object.assign(scroller.style, { position: 'fixed', inset: '0', overflowY: 'auto', background: '#111317', zIndex: '10' });
    const table = document.createElement('table');
    Object.assign(table.style, { width: '100%', tableLayout: 'fixed', borderCollapse: 'collapse', fontSize: '14px' });
    const body = document.createElement('tbody');
    for (const s of page.value.items) {
      const tr = document.createElement('tr');
      tr.style.height = '44px';
      const cells = [
        '',
        String(s.patientId ?? ''),
        String(s.studyDate ?? ''),
        String(s.modalities ?? ''),
        String(s.description ?? ''),
        String(s.reportSnippet ?? ''),
        s.labelStatus ? `${(s.labelStatus as { labelled: number }).labelled}/14` : '',
        String(s.imageCount),
      ];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        Object.assign(td.style, { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', padding: '0 8px', borderBottom: '1px solid #22262d' });
        if (i === 0 && s.thumbnailInstanceId !== null) {
          const img = document.createElement('img');
          Object.assign(img, { src: `thumbs/${String(s.thumbnailInstanceId)}`, loading: 'lazy', decoding: 'async', width: 40, height: 40 });
          td.append(img);
        } else td.textContent = text;
        tr.append(td);
      });
      body.append(tr);
    }
    table.append(body);
    scroller.append(table);
    document.body.append(scroller);
    scroller.getBoundingClientRect(); // the layout of every row, as the first frame needs it
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - started;
  }, count);
}

export async function run(args: string[]): Promise<BenchRow[]> {
  const studies = Number(args[0] ?? 100_000);
  const dir = tempDir();
  const libraryPath = join(dir, 'library.sqlite');
  const db = openLibrary(libraryPath);
  let t = performance.now();
  seedBigLibrary(db, { studies, imageDir: dir });
  const seedSeconds = (performance.now() - t) / 1000;
  db.close();
  process.stderr.write(`library of ${studies} studies written in ${seedSeconds.toFixed(1)} s\n`);

  const server = await startCli(['serve', '--library', libraryPath, '--json']);
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(120_000);
    // tsx names the functions it compiles through a __name helper that pages do not have.
    await page.addInitScript('window.__name = (f) => f');
    t = performance.now();
    await page.goto(server.info.url!);
    await page.waitForSelector('[data-testid=study-table] tr[data-study-id]');
    const pageLoadMs = performance.now() - t;
    await page.waitForTimeout(1000);
    const resortMs = await timeResort(page, 'Patient');
    await timeResort(page, 'Date');
    await page.waitForTimeout(500);

    const scroller = '[data-testid=study-scroller]';
    rows.push(row('virtual, scroll 3 rows/frame', studies, await scrollFrames(page, scroller, 3 * ROW_HEIGHT)));
    rows.push(row('virtual, fling 40 rows/frame (windows fetched while scrolling)', studies, await scrollFrames(page, scroller, 40 * ROW_HEIGHT)));
    await page.$eval(scroller, (el, top) => el.scrollTo(0, top), Math.floor(studies / 2) * ROW_HEIGHT);
    await page.waitForTimeout(300);
    rows.push(row('virtual, scroll 3 rows/frame from the middle', studies, await scrollFrames(page, scroller, 3 * ROW_HEIGHT)));

    await page.fill('input[aria-label="Search reports"]', 'pleural effusion');
    await page.waitForSelector('[data-testid=report-match] mark');
    await page.waitForTimeout(300);
    rows.push(row('virtual, report search "pleural effusion" (highlighted), 3 rows/frame', studies, await scrollFrames(page, scroller, 3 * ROW_HEIGHT)));
    await page.fill('input[aria-label="Search reports"]', RARE_WORD);
    await page.waitForFunction(() => !document.querySelector('[data-testid=study-count]')?.textContent?.startsWith('5'));

    const plainMs = await renderPlainTable(page, PEER_ROWS);
    const peer = row('peer: plain table, every row in the DOM, 3 rows/frame', PEER_ROWS, await scrollFrames(page, '#plain-peer', 3 * ROW_HEIGHT));
    rows.push(peer);
    const virtualSteady = rows[0]!;
    rows.push({
      measure: 'work per frame, plain 1,000 / virtual 100,000 (p50, p95)',
      studies,
      ratioP50: (peer.workP50Ms as number) / (virtualSteady.workP50Ms as number),
      ratioP95: (peer.workP95Ms as number) / (virtualSteady.workP95Ms as number),
    });
    rows.push({ measure: `rows on screen after a sort: virtual (${studies}, one window) vs plain table (${PEER_ROWS}, all rows)`, studies, virtualMs: resortMs, plainMs, ratio: plainMs / resortMs });
    rows.push({ measure: 'page load to first rows (virtual)', studies, virtualMs: pageLoadMs });
    // Frame times depend on what else the machine runs: say how busy it was.
    rows.push({ measure: 'machine load (1-minute load average / CPU cores)', studies, loadAverage: loadavg()[0]!, cpuCores: cpus().length });
  } finally {
    await browser.close();
    await server.stop();
  }
  return rows;
}
