/**
 * End to end in real Chromium through browser mode, on a small library of
 * report-paired images: the Train screen recommends a recipe; pretraining
 * starts from the button (a tiny config from the advanced panel), the step
 * curve gets points, the run pauses, resumes and is cancelled; a new server
 * process on the same library lists it and resumes it; the server is closed
 * mid-run, the next one (--no-resume) shows the run interrupted, and the one
 * after resumes it by itself and it finishes with every step recorded once; a second
 * run set through the main fields is compared side by side with the first.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openLibrary } from '../../src-main/db/connection';
import { RunsRepo } from '../../src-main/jobs/runs-repo';
import { runDirFor } from '../../src-main/jobs/train-job';
import { isWorkerAlive, readWorkerPid } from '../../src-main/jobs/worker-pid';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { trainingLibrary } from '../jobs/train-library';
import { tinyConfig } from '../ml/train/tiny';

/** Each wait is for a condition; the bound only keeps a broken run from hanging the suite. */
const WAIT = { timeout: 180_000 };
// 12 pairs, a quarter of the patients held out: 9 training pairs, 2 steps an epoch at batch 4.
const EPOCHS = 8;
const STEPS = 2 * EPOCHS;
const TINY = tinyConfig({ epochs: EPOCHS, earlyStopping: { patience: 50 } });

let browser: Browser;
let page: Page;
let server: Awaited<ReturnType<typeof startCli>>;
const consoleErrors: string[] = [];
const dir = tempDir('convirt-e2e-train-');
const libraryPath = join(dir, 'library.sqlite');
let runId = 0;

async function serve(flags: string[] = []): Promise<void> {
  server = await startCli(['serve', '--library', libraryPath, '--json', ...flags]);
  await page.goto(server.info.url!);
  await page.click('nav button:has-text("Train")');
  await page.waitForSelector('section[aria-label="Run history"]');
}

before(async () => {
  const library = await trainingLibrary(12, 40, dir);
  library.db.close();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // The machine running the suite may be busy; every wait below is for a condition.
  page.setDefaultTimeout(WAIT.timeout);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await serve();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function runRow(id: number, status: string): string {
  return `[data-testid=run-history] tr[data-run="${id}"][data-status="${status}"]`;
}

/** The step the live panel shows, e.g. "5 / 16" -> 5. */
async function liveStep(): Promise<number> {
  return Number(((await page.textContent('[data-testid=live-step]')) ?? '').split('/')[0]);
}

function storedSteps(id: number): number[] {
  const db = openLibrary(libraryPath, { readonly: true });
  try {
    return new RunsRepo(db).metrics(id, 'loss').map((m) => m.step!);
  } finally {
    db.close();
  }
}

/** Waits until the run's worker process (named in its pid file) has exited. */
async function workerGone(id: number): Promise<void> {
  const pid = readWorkerPid(runDirFor(libraryPath, id));
  const deadline = Date.now() + WAIT.timeout;
  while (pid !== null && isWorkerAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`the worker of run ${id} (pid ${pid}) did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('the Train screen explains its recommendation in one line', async () => {
  const line = page.locator('[data-testid=recommendation]');
  await line.filter({ hasText: '12 report-paired images from' }).waitFor(WAIT);
  assert.match((await line.textContent()) ?? '', /ResNet-18 ×0\.25 \+ 2-layer transformer at \d+ px, batch \d+, up to \d+ epochs on .+: 12 report-paired images from \d+ patients, about .+/);
  await page.screenshot({ path: artifactPath('e2e', 'train-recommendation.png') });
});

test('the button starts pretraining with the advanced config; the step curve gets points', async () => {
  await page.click('[data-testid=advanced-toggle]');
  await page.fill('[data-testid=config-json]', '{ "batchSize": 1 }');
  await page.locator('[data-testid=config-issues]').filter({ hasText: 'image' }).waitFor(WAIT);
  assert.equal(await page.isDisabled('[data-testid=pretrain]'), true);
  await page.fill('[data-testid=config-json]', JSON.stringify(TINY, null, 2));
  await page.waitForSelector('[data-testid=config-valid]', WAIT);
  assert.match((await page.textContent('[data-testid=recommendation]')) ?? '', /Custom config from the Advanced panel: test-tiny, 16 px, batch 4, 8 epochs/);
  assert.equal(await page.inputValue('[data-testid="field-epochs"]'), String(EPOCHS));
  await page.click('[data-testid=advanced-toggle]');

  await page.click('[data-testid=pretrain]');
  await page.waitForSelector('[data-testid=live-run]', WAIT);
  runId = Number(await page.getAttribute('[data-testid=run-history] tr[data-status=running]', 'data-run'));
  assert.ok(runId > 0);
  // Two steps drawn as a line: the curve moved.
  await page.waitForFunction(() => (document.querySelector('[data-testid=live-charts-steps] polyline')?.getAttribute('points')?.split(' ').length ?? 0) >= 2, null, WAIT);
  assert.match((await page.textContent('[data-testid=live-backend]')) ?? '', /^(tensorflow-gpu|tensorflow|wasm|cpu)$/);
  assert.match((await page.textContent('[data-testid=live-rate]')) ?? '', /^\d+\.\d$/);
  assert.match((await page.textContent('[data-testid=live-eta]')) ?? '', /\d+ (s|min)/);
  await page.screenshot({ path: artifactPath('e2e', 'train-running.png') });
});

test('pause stops after the step with a checkpoint; resume continues; cancel stops it', async () => {
  await page.click('[data-testid=pause]');
  await page.waitForSelector(runRow(runId, 'paused'), WAIT);
  await page.waitForSelector(`[data-testid=resume-notice-${runId}]`, WAIT);
  const pausedAt = storedSteps(runId).length;
  assert.ok(pausedAt >= 2 && pausedAt < STEPS, `paused after ${pausedAt} steps`);
  await page.screenshot({ path: artifactPath('e2e', 'train-paused.png') });

  await page.click(`[data-testid=resume-${runId}]`);
  await page.waitForSelector('[data-testid=live-run]', WAIT);
  await page.waitForFunction((after) => Number(document.querySelector('[data-testid=live-step]')?.textContent?.split('/')[0]) > after, pausedAt, WAIT);
  assert.ok((await liveStep()) > pausedAt);

  await page.click('[data-testid=cancel]');
  await page.waitForSelector(runRow(runId, 'cancelled'), WAIT);
  await page.waitForSelector('[data-testid=live-run]', { state: 'detached', ...WAIT });
  const steps = storedSteps(runId);
  assert.ok(steps.length > pausedAt && steps.length < STEPS, `cancelled after ${steps.length} steps`);
  assert.deepEqual(steps, steps.map((_, i) => i + 1));
});

test('a new server lists the cancelled run and resumes it; closed mid-run, it is interrupted, resumes and finishes', async () => {
  // Leave the page first: the old page's event socket would log its reconnect attempts as errors.
  await page.goto('about:blank');
  await server.stop();
  await serve();
  await page.waitForSelector(runRow(runId, 'cancelled'), WAIT);
  await page.click(`[data-testid=resume-${runId}]`);
  await page.waitForSelector('[data-testid=live-run]', WAIT);
  const before = storedSteps(runId).length;
  await page.waitForFunction((after) => Number(document.querySelector('[data-testid=live-step]')?.textContent?.split('/')[0]) > after, before, WAIT);

  // Closing the workstation mid-run: the worker stops after its step with a checkpoint, the run is interrupted.
  // A server started with --no-resume leaves it so and offers it.
  await page.goto('about:blank');
  await server.stop();
  await workerGone(runId);
  await serve(['--no-resume']);
  await page.waitForSelector(runRow(runId, 'interrupted'), WAIT);
  await page.waitForSelector(`[data-testid=resume-notice-${runId}]`, WAIT);
  await page.screenshot({ path: artifactPath('e2e', 'train-interrupted.png') });
  const interruptedAt = storedSteps(runId);

  // A plain start resumes it by itself from its last checkpoint: same run, the curve goes on, and it finishes.
  await page.goto('about:blank');
  await server.stop();
  await serve();
  await page.waitForSelector(`[data-testid=auto-resumed-${runId}]`, WAIT);
  await page.screenshot({ path: artifactPath('e2e', 'train-resumed-after-restart.png') });
  // A fresh worker and half the run (9 steps, 5 validations): on a loaded 2-core machine this took 4.5 min.
  await page.waitForSelector(runRow(runId, 'done'), { timeout: 4 * WAIT.timeout });
  // Every step once, in order, to the last: the step the worker finished after its server closed is recorded too.
  assert.ok(interruptedAt.length > before, `interrupted after ${interruptedAt.length} steps`);
  assert.deepEqual(storedSteps(runId), Array.from({ length: STEPS }, (_, i) => i + 1));
  assert.match((await page.getAttribute(`[data-testid=auto-resumed-${runId}]`, 'title')) ?? '', new RegExp(`from the checkpoint at step ${interruptedAt.length}$`));
  const row = page.locator(runRow(runId, 'done'));
  assert.match((await row.textContent()) ?? '', new RegExp(`${EPOCHS} / ${EPOCHS}`));
  assert.match((await row.textContent()) ?? '', /\d\.\d{4}/);
});

test('a second run set through the main fields, compared side by side with the first', async () => {
  await page.click('[data-testid=advanced-toggle]');
  await page.fill('[data-testid=config-json]', JSON.stringify(TINY, null, 2));
  const json = (text: string) => page.waitForFunction((t) => (document.querySelector('[data-testid=config-json]') as HTMLTextAreaElement).value.includes(t), text, WAIT);
  // A field's change (on leaving it) rewrites that field in the JSON.
  await page.fill('[data-testid="field-epochs"]', '2');
  await page.locator('[data-testid="field-epochs"]').blur();
  await json('"epochs": 2');
  await page.fill('[data-testid="field-optimizer.lr"]', '0.002');
  await page.locator('[data-testid="field-optimizer.lr"]').blur();
  await json('"lr": 0.002');
  await page.waitForSelector('[data-testid=config-valid]', WAIT);
  await page.click('[data-testid=pretrain]');
  await page.waitForSelector('[data-testid=live-run]', WAIT);
  const second = Number(await page.getAttribute('[data-testid=run-history] tr[data-status=running]', 'data-run'));
  await page.waitForSelector(runRow(second, 'done'), WAIT);

  // The new run is selected; add the first.
  await page.check(`[data-testid=run-history] tr[data-run="${runId}"] input[type=checkbox]`);
  await page.waitForSelector(`[data-testid=compare-run-${runId}] [data-testid=charts-${runId}-steps] polyline`, WAIT);
  await page.waitForSelector(`[data-testid=compare-run-${second}] [data-testid=charts-${second}-steps] polyline`, WAIT);
  const differing = await page.$$eval('[data-testid=config-diff] tr.differs td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(differing.sort(), ['epochs', 'optimizer.lr']);
  await page.locator('[data-testid=run-compare]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifactPath('e2e', 'train-compare.png'), fullPage: true });
});

test('no console errors or CSP violations', () => {
  assert.deepEqual(consoleErrors, []);
});
