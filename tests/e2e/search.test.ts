/**
 * The Search screen end to end in real Chromium through browser mode, on a
 * demo archive: first the empty state (no embeddings yet), then `convirt
 * pretrain` with a tiny model (which embeds the library), a text query whose
 * best-matching sentence is highlighted in the Viewer's report pane when a
 * hit is opened, "Find similar" from the Viewer, the archive map coloured by a
 * label with a click that opens a study, and zero-shot suggestions beside the
 * labels that write nothing until a person clicks.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { openLibrary } from '../../src-main/db/connection';
import { generateArchive } from '../../src-main/demo/archive';
import { importDemoArchive } from '../../src-main/demo/import-archive';
import { cacheDirFor } from '../../src-main/ingest/cache/image-cache';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { CLI, startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const TINY = {
  seed: 5,
  image: { encoder: { depth: 18, widthMultiplier: 1 / 16 }, size: 32 },
  text: { vocabSize: 300, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxTokens: 32 },
  heads: { hiddenDim: 16, outputDim: 8 },
  batchSize: 4,
  epochs: 1,
  validation: { fraction: 0.25 },
  earlyStopping: { patience: 1, minDelta: 0, minEpochs: 0 },
};
const STUDIES = 16;

const dir = tempDir('convirt-e2e-search-');
const libraryPath = join(dir, 'library.sqlite');
let browser: Browser;
let page: Page;
let server: Awaited<ReturnType<typeof startCli>>;
const consoleErrors: string[] = [];

function convirt(args: string[], timeoutMs: number): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs });
  assert.equal(r.status, 0, `convirt ${args[0]}: ${r.stderr}`);
  return r.stdout;
}

function readLibrary<T>(read: (db: Database.Database) => T): T {
  const db = new Database(libraryPath, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** A service call through the bridge, as the page makes it. */
async function bridge(channel: string, input: unknown): Promise<unknown> {
  const response = await fetch(`${server.info.origin}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.info.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  assert.ok(body.ok, `${channel}: ${body.error?.message}`);
  return body.value;
}

before(async () => {
  // The demo archive as `convirt demo` makes and imports it (seeded), without the demo's own pretraining.
  await generateArchive({ outDir: join(dir, 'demo-archive'), studies: STUDIES, seed: 7, size: 64 });
  const db = openLibrary(libraryPath);
  await importDemoArchive(db, join(dir, 'demo-archive'), { cacheDir: cacheDirFor(libraryPath) });
  db.close();
  server = await startCli(['serve', '--library', libraryPath, '--json']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(server.info.url!);
  await page.waitForSelector('nav button:has-text("Search")');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('before any pretraining the Search screen says how to get embeddings', async () => {
  await page.click('nav button:has-text("Search")');
  const empty = await page.waitForSelector('[data-testid=search-empty]', { timeout: 90_000 });
  assert.match(await empty.innerText(), /pretrain on the Train screen/i);
  assert.match(await empty.innerText(), /convirt embed/);
  await page.screenshot({ path: artifactPath('e2e', 'search-empty.png') });
});

test('a text query ranks studies with thumbnails; opening one highlights its matching sentence in the report', async () => {
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(TINY));
  const summary = JSON.parse(convirt(['pretrain', '--library', libraryPath, '--config', join(dir, 'tiny.json'), '--backend', 'cpu', '--json'], 600_000)) as {
    embedded: { modelId: string; images: number } | null;
  };
  assert.ok(summary.embedded && summary.embedded.images > 0);

  // Leaving and coming back asks the services again: the embeddings written by the CLI are seen.
  await page.click('nav button:has-text("Library")');
  await page.click('nav button:has-text("Search")');
  await page.fill('[data-testid=search-input]', 'small left pleural effusion');
  await page.press('[data-testid=search-input]', 'Enter');
  await page.waitForSelector('[data-testid=search-hits] li', { timeout: 60_000 });
  const hits = await page.$$('[data-testid=search-hits] li');
  assert.ok(hits.length >= 10, `${hits.length} hits`);
  const scores = (await page.evaluate(`Array.from(document.querySelectorAll('[data-testid=hit-score]'), (e) => Number(e.textContent))`)) as number[];
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'ranked by score');
  await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=hit-thumbnail]')).every((c) => (c as HTMLElement).dataset.loaded === 'true'), undefined, {
    timeout: 30_000,
  });
  // A thumbnail shows an image, not a blank canvas.
  // Plain JS source: the test runner's transpiler may add helpers the page does not have.
  const spread = (await page.evaluate(`(() => {
    const data = document.querySelector('[data-testid=hit-thumbnail]').getContext('2d').getImageData(0, 0, 96, 96).data;
    let min = 255, max = 0;
    for (let i = 0; i < data.length; i += 4) { min = Math.min(min, data[i]); max = Math.max(max, data[i]); }
    return max - min;
  })()`)) as number;
  assert.ok(spread > 30, `thumbnail gray range ${spread}`);
  await page.screenshot({ path: artifactPath('e2e', 'search-text-results.png') });

  // Filters combine with the query: no demo study lacks a report.
  await page.selectOption('[data-testid=search-filters] select >> nth=1', 'no');
  await page.waitForSelector('text=No study matches these filters.');
  await page.selectOption('[data-testid=search-filters] select >> nth=1', '');
  await page.waitForSelector('[data-testid=search-hits] li');

  const first = page.locator('[data-testid=search-hits] li button').first();
  const studyId = await first.getAttribute('data-study-id');
  const sentence = (await first.locator('[data-testid=hit-sentence]').innerText()).trim();
  assert.ok(sentence.length > 0);
  await first.click();
  await page.waitForSelector(`[data-testid=viewer][data-study-id="${studyId}"]`);
  const highlighted = page.locator('[data-testid=report-pane] .sentence.highlighted');
  await highlighted.waitFor();
  assert.equal(await highlighted.count(), 1);
  assert.equal((await highlighted.innerText()).trim(), sentence);
  await page.screenshot({ path: artifactPath('e2e', 'search-opened-highlight.png') });
});

test('Find similar from the viewer lists other studies like the current image', async () => {
  const studyId = await page.getAttribute('[data-testid=viewer]', 'data-study-id');
  await page.click('[data-testid=find-similar]');
  await page.waitForSelector('[data-testid=similar-query]');
  await page.waitForSelector('[data-testid=search-hits] li');
  const ids = (await page.evaluate(`Array.from(document.querySelectorAll('[data-testid=search-hits] li button'), (e) => e.getAttribute('data-study-id'))`)) as string[];
  assert.equal(ids.length, STUDIES - 1, 'every other study, ranked');
  assert.ok(studyId && !ids.includes(studyId), 'the query study itself is left out');
  await page.screenshot({ path: artifactPath('e2e', 'search-find-similar.png') });
});

test('the map draws every study, colours by a label, and a click opens that study', async () => {
  // Label a few studies Pleural Effusion from the demo's ground truth, as a person would.
  const truth = readFileSync(join(dir, 'demo-archive', 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  const idOf = readLibrary((db) => new Map((db.prepare('SELECT study_uid AS uid, id FROM studies').all() as { uid: string; id: number }[]).map((r) => [r.uid, r.id])));
  const schemas = (await bridge('labels:schemas', {})) as { id: number; builtIn: boolean }[];
  const schemaId = schemas.find((s) => s.builtIn)!.id;
  for (const row of truth.slice(0, 8)) {
    await bridge('labels:set', { studyId: idOf.get(row[2]!)!, schemaId, label: 'Pleural Effusion', value: row[7] === '1' ? 'positive' : 'negative' });
  }

  await page.click('[data-testid=map-tab]');
  const map = await page.waitForSelector('[data-testid=archive-map]', { timeout: 60_000 });
  assert.equal(Number(await map.getAttribute('data-points')), STUDIES);
  assert.equal(await page.locator('[data-testid=archive-map] circle').count(), STUDIES);
  await page.selectOption('[data-testid=map-colour]', 'Pleural Effusion');
  await page.waitForSelector('[data-testid=map-legend]');
  const fills = new Set((await page.evaluate(`Array.from(document.querySelectorAll('[data-testid=archive-map] circle'), (e) => e.getAttribute('fill'))`)) as string[]);
  assert.ok(fills.size >= 2, `colours ${[...fills].join(' ')}`);
  await page.screenshot({ path: artifactPath('e2e', 'search-map.png') });

  const point = page.locator('[data-testid=archive-map] circle').nth(3);
  const target = await point.getAttribute('data-study-id');
  await point.click();
  await page.waitForSelector(`[data-testid=viewer][data-study-id="${target}"]`);
});

test('zero-shot suggestions sit beside the labels and write nothing until a person clicks one', async () => {
  const studyId = Number(await page.getAttribute('[data-testid=viewer]', 'data-study-id'));
  // Rule-based suggestions (source 'suggested') may appear as the label panel loads; labels are what a person or an import set.
  const countLabels = () =>
    readLibrary((db) => (db.prepare("SELECT count(*) AS n FROM labels WHERE study_id = ? AND source IN ('human', 'imported')").get(studyId) as { n: number }).n);
  const before = countLabels();
  await page.waitForSelector(`[data-testid=zero-shot][data-study-id="${studyId}"] li`, { timeout: 60_000 });
  const rows = page.locator('[data-testid=zero-shot] li');
  assert.equal(await rows.count(), 14, 'one per CheXpert observation');
  const scores = (await page.evaluate(`Array.from(document.querySelectorAll('[data-testid=zero-shot] li'), (e) => Number(e.getAttribute('data-score')))`)) as number[];
  assert.ok(scores.every((s) => s >= 0 && s <= 1));
  // Each zero-shot suggestion is in its label's one chip in the label panel, beside (merged with) the report labeller's.
  const zeroShot = (await page.evaluate(
    `Array.from(document.querySelectorAll('[data-testid=zero-shot] li'), (e) => ({ label: e.dataset.label, value: e.dataset.suggestion, score: e.dataset.score }))`,
  )) as { label: string; value: string; score: string }[];
  await page.waitForSelector('[data-testid=label-panel] [data-testid=suggestion][data-origin~="zero-shot"]');
  const chips = (await page.evaluate(
    `Array.from(document.querySelectorAll('[data-testid=label-panel] li[data-label]'), (li) => ({ label: li.dataset.label, set: li.dataset.value, chips: Array.from(li.querySelectorAll('[data-testid=suggestion]'), (c) => ({ value: c.dataset.value, origin: c.dataset.origin, score: c.dataset.score, disagreeing: c.dataset.disagreeing })) }))`,
  )) as { label: string; set: string; chips: { value: string; origin: string; score: string; disagreeing: string }[] }[];
  for (const { label, value, score } of zeroShot) {
    const row = chips.find((c) => c.label === label)!;
    if (row.set) continue; // a label already set has no suggestions
    assert.equal(row.chips.length, 1, `${label}: one chip`);
    const chip = row.chips[0]!;
    if (chip.origin.split(' ').includes('zero-shot')) assert.deepEqual([chip.value, chip.score.slice(0, 4)], [value, score.slice(0, 4)], `${label}: zero-shot value and score`);
    else assert.ok(chip.origin === 'report' && chip.disagreeing === `zero-shot:${value}`, `${label}: the report suggests ${chip.value}, zero-shot ${value} is shown as disagreeing`);
  }
  await page.screenshot({ path: artifactPath('e2e', 'search-zero-shot.png') });
  assert.equal(countLabels(), before, 'showing suggestions stores no label');

  // Accept by key: focus the first label whose chip zero-shot proposes, press s.
  const keyed = chips.findIndex((c) => !c.set && c.chips[0]?.origin === 'zero-shot' && c.label !== 'Cardiomegaly');
  assert.ok(keyed >= 0, 'a label only zero-shot suggests');
  const keyedLabel = chips[keyed]!;
  await page.click(`[data-testid=label-panel] li[data-label="${keyedLabel.label}"] .name`);
  await page.keyboard.press('s');
  await page.waitForSelector(`[data-testid=label-panel] li[data-label="${keyedLabel.label}"][data-value="${keyedLabel.chips[0]!.value}"]`);
  const keyedRow = readLibrary((db) => db.prepare('SELECT value, source FROM labels WHERE study_id = ? AND label = ?').get(studyId, keyedLabel.label));
  assert.deepEqual(keyedRow, { value: keyedLabel.chips[0]!.value, source: 'human' }, 'accepted by a person: stored as a human label');

  const cardiomegaly = page.locator('[data-testid=zero-shot] li[data-label="Cardiomegaly"]');
  const suggested = await cardiomegaly.getAttribute('data-suggestion');
  await cardiomegaly.locator('button').click();
  await page.waitForSelector(`[data-testid=label-panel] li[data-label="Cardiomegaly"][data-value="${suggested}"]`);
  const stored = readLibrary((db) => db.prepare("SELECT value, source FROM labels WHERE study_id = ? AND label = 'Cardiomegaly' AND source = 'human'").get(studyId));
  assert.deepEqual(stored, { value: suggested, source: 'human' });
  assert.deepEqual(consoleErrors, []);
});
