/**
 * End to end: the Evaluate screen in real Chromium against `convirt serve` on a
 * real library (16 COVID-19 + 16 other pairs of the COVID collection) holding a
 * stored evaluation of two initialisations. The table shows the stored numbers
 * (compared with what the service reads back), the label-efficiency plot has one
 * line per initialisation, and a tiny evaluation run from the screen shows its
 * progress and then opens as a new result. Skips when ../shared/data is absent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseEncoder } from '../../src-main/cli/commands/eval';
import { openLibrary } from '../../src-main/db/connection';
import { readEvalResult } from '../../src-main/eval/results-store';
import { runLinearEval } from '../../src-main/eval/run-eval';
import { useBackend } from '../../src-main/ml/backend/select';
import type { EvalResult } from '../../src-shared/contract/evaluation';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { balancedCovidLibrary, covidSkip } from '../helpers/eval-library';
import { tempDir } from '../helpers/temp';

describe('Evaluate screen', { skip: covidSkip }, () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof startCli>>;
  let libraryPath: string;
  let storedRunId: number;
  const consoleErrors: string[] = [];
  const dir = tempDir('convirt-e2e-eval-');

  function stored(runId: number): EvalResult {
    const db = openLibrary(libraryPath, { readonly: true });
    try {
      return readEvalResult(db, runId);
    } finally {
      db.close();
    }
  }

  async function shownCells(): Promise<{ encoder: string; fraction: number; text: string; title: string }[]> {
    return page.$$eval('[data-testid=results-table] td.cell', (cells) =>
      cells.map((c) => ({ encoder: c.getAttribute('data-encoder')!, fraction: Number(c.getAttribute('data-fraction')), text: c.textContent!.trim(), title: c.getAttribute('title') ?? '' })),
    );
  }

  function expectedCells(result: EvalResult): { encoder: string; fraction: number; text: string }[] {
    return result.summary.encoders.flatMap((encoder) =>
      result.summary.fractions.map((fraction) => {
        const cell = result.cells.find((c) => c.encoder === encoder && c.fraction === fraction)!;
        return { encoder, fraction, text: `${cell.mean.toFixed(3)} ± ${cell.std.toFixed(3)}` };
      }),
    );
  }

  before(async () => {
    const library = await balancedCovidLibrary(16, dir);
    libraryPath = library.path;
    await useBackend('wasm');
    const outcome = await runLinearEval(library.db, libraryPath, {
      task: 'covid-finding',
      encoders: [parseEncoder('random'), parseEncoder('random:1')],
      fractions: [0.1, 1],
      seeds: 2,
      grid: [0.01, 1],
      bootstrapResamples: 100,
      retrieval: { queriesPerCategory: 3, poolPerCategory: 10 },
    });
    storedRunId = outcome.runId;
    library.db.close();
    server = await startCli(['serve', '--library', libraryPath, '--json']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    // The CPU is shared with the worker's feature extraction: generous waits.
    page.setDefaultTimeout(90_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a stored result opens with the numbers the service stored, CI on hover', async () => {
    await page.goto(server.info.url!);
    await page.click('nav button:has-text("Evaluate")');
    await page.waitForSelector('[data-testid=results-table] td.cell');
    const want = stored(storedRunId);
    assert.match((await page.textContent('[data-testid=eval-result-title]')) ?? '', new RegExp(`run ${storedRunId}\\b`));
    const cells = await shownCells();
    assert.deepEqual(cells.map(({ encoder, fraction, text }) => ({ encoder, fraction, text })), expectedCells(want));
    const first = want.cells.find((c) => c.encoder === 'random init' && c.fraction === 0.1)!;
    assert.match(cells[0]!.title, new RegExp(`95% CI \\[${first.ci!.lower.toFixed(3)}, ${first.ci!.upper.toFixed(3)}\\]`));
    assert.equal(await page.textContent('[data-testid=eval-protocol]').then((t) => t?.includes(want.protocol!)), true);
    const retrievalRows = await page.$$eval('[data-testid=retrieval-table] tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent!.trim())));
    assert.deepEqual(retrievalRows, want.retrieval.map((r) => r.macro.map((v) => v.toFixed(3))));
    await page.locator('.evaluate').screenshot({ path: artifactPath('e2e', 'evaluate-stored.png') });
  });

  test('the label-efficiency plot has one line per initialisation; ROC curves per initialisation', async () => {
    const lines = await page.$$eval('[data-testid=efficiency-plot] polyline.line', (ls) => ls.map((l) => ({ encoder: l.closest('g')!.getAttribute('data-encoder'), points: l.getAttribute('points')!.trim().split(/\s+/).length })));
    assert.deepEqual(lines, [{ encoder: 'random init', points: 2 }, { encoder: 'random init (seed 1)', points: 2 }]);
    const curves = await page.$$eval('[data-testid=roc-plot] polyline.curve', (cs) => cs.map((c) => c.getAttribute('data-encoder')));
    assert.deepEqual(curves, ['random init', 'random init (seed 1)']);
    await page.selectOption('[data-testid=roc-fraction]', { label: '10%' });
    const tenPercent = stored(storedRunId).cells.find((c) => c.encoder === 'random init' && c.fraction === 0.1)!;
    await page.waitForFunction((n) => document.querySelector('[data-testid=roc-plot] polyline.curve')?.getAttribute('points')?.trim().split(/\s+/).length === n, tenPercent.roc!.fpr.length);
  });

  test('a tiny evaluation run from the screen shows progress, then opens as a new result', async () => {
    await page.uncheck('input[data-fraction="0.01"]');
    await page.fill('[data-testid=eval-seeds]', '2');
    await page.uncheck('[data-testid=eval-retrieval]');
    await page.click('[data-testid=eval-run]');
    await page.waitForSelector('[data-testid=eval-progress]');
    await page.screenshot({ path: artifactPath('e2e', 'evaluate-running.png') });
    await page.waitForSelector('[data-testid=eval-progress]', { state: 'detached', timeout: 120_000 });
    await page.waitForFunction((old) => {
      const shown = /run (\d+)/.exec(document.querySelector('[data-testid=eval-result-title]')?.textContent ?? '');
      return shown !== null && Number(shown[1]) !== old;
    }, storedRunId);
    const title = (await page.textContent('[data-testid=eval-result-title]')) ?? '';
    const runId = Number(/run (\d+)/.exec(title)?.[1]);
    assert.ok(runId > storedRunId, title);
    const fresh = stored(runId);
    assert.equal(fresh.summary.status, 'done');
    assert.deepEqual(fresh.summary.fractions, [0.1, 1]);
    assert.equal(fresh.summary.seeds, 2);
    await page.waitForSelector('[data-testid=results-table] td.cell');
    assert.deepEqual((await shownCells()).map(({ encoder, fraction, text }) => ({ encoder, fraction, text })), expectedCells(fresh));
    assert.equal(await page.$$eval('[data-testid=eval-results] li', (items) => items.length), 2);
    await page.locator('.evaluate').screenshot({ path: artifactPath('e2e', 'evaluate-new-result.png') });
  });

  test('cancel stops a running evaluation and says so', async () => {
    const before = await page.$$eval('[data-testid=eval-results] li', (items) => items.length);
    await page.check('input[data-fraction="0.01"]');
    await page.fill('[data-testid=eval-seeds]', '10');
    await page.click('[data-testid=eval-run]');
    await page.click('[data-testid=eval-cancel]');
    await page.waitForFunction(() => document.querySelector('[data-testid=eval-ended]')?.textContent?.includes('cancelled'));
    assert.equal(await page.$('[data-testid=eval-progress]'), null);
    const db = openLibrary(libraryPath, { readonly: true });
    try {
      const statuses = (db.prepare("SELECT status FROM runs WHERE kind = 'eval' ORDER BY id").all() as { status: string }[]).map((r) => r.status);
      // The worker may be stopped before it created its run row; a row it did create is cancelled, never left running.
      assert.ok(statuses.length === before || statuses.at(-1) === 'cancelled', statuses.join(', '));
      assert.ok(!statuses.includes('running'), statuses.join(', '));
    } finally {
      db.close();
    }
  });

  test('no console errors or CSP violations', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
