/**
 * Annotation beyond CheXpert in real Chromium through browser mode, on a
 * library imported from the COVID collection (images with free-text notes):
 * a multi-label schema made in the UI, labelled with its own keys; report
 * suggestions shown as suggestions, their deciding sentence highlighted on
 * hover, accepted with Enter as the person's labels; the shortcut sheet on
 * "?", a key rebound there and still rebound after a reload; the schema's CSV.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openLibrary } from '../../src-main/db/connection';
import { suggestForText } from '../../src-main/services/label-suggestions';
import { currentUser } from '../../src-main/services/labels-service';
import { artifactPath, launchChromium } from '../helpers/chromium';
import { startCli } from '../helpers/cli';
import { covidLibrary, covidSkip } from '../helpers/covid-library';
import { tempDir } from '../helpers/temp';

const skip = covidSkip;
const SCHEMA = { name: 'Chest findings', labels: ['Pneumonia', 'Opacity', 'Pleural effusion'], values: ['yes', 'no'] };

let browser: Browser;
let page: Page;
let server: Awaited<ReturnType<typeof startCli>>;
const dir = tempDir();
let libraryPath = '';
/** A study the labeller has suggestions for (with their deciding sentences), and one to label by hand. */
let suggested: { id: number; suggestions: ReturnType<typeof suggestForText> };
let byHand: number;

before(async () => {
  if (skip) return;
  const { db, path } = await covidLibrary(6, dir);
  libraryPath = path;
  const shape = { id: 0, name: SCHEMA.name, kind: 'multilabel' as const, labels: SCHEMA.labels, values: SCHEMA.values, keys: {}, builtIn: false };
  const studies = db.prepare('SELECT s.id, r.raw_text FROM studies s JOIN reports r ON r.study_id = s.id ORDER BY s.id').all() as { id: number; raw_text: string }[];
  db.close();
  const withSuggestions = studies.map((s) => ({ id: s.id, suggestions: suggestForText(shape, s.raw_text) })).filter((s) => s.suggestions.some((x) => x.sentence));
  assert.ok(withSuggestions.length > 0 && studies.length >= 2, 'the COVID notes give the labeller something to suggest');
  suggested = withSuggestions[0]!;
  byHand = studies.find((s) => s.id !== suggested.id)!.id;
  server = await startCli(['serve', '--library', libraryPath, '--json']);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
  page = await context.newPage();
  // The selectors below wait for what the test needs; the load event may come late on a busy machine.
  await page.goto(server.info.url!, { waitUntil: 'domcontentloaded' });
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

const row = (label: string) => `[data-testid=label-panel] li[data-label="${label}"]`;

test('a multi-label schema made in the UI becomes the active schema, and its own keys label', { skip }, async () => {
  await openStudy(byHand);
  await page.click('[data-testid=new-schema]');
  await page.fill('[data-testid=schema-editor] input[name=schema-name]', SCHEMA.name);
  await page.check('[data-testid=schema-editor] input[name=kind][value=multilabel]');
  await page.fill('[data-testid=schema-editor] textarea[name=schema-labels]', SCHEMA.labels.join('\n'));
  // The multi-label defaults are yes / no on Y / N; make "no" answer to M instead.
  assert.equal(await page.inputValue('[data-testid=schema-editor] input[name=value-0]'), 'yes');
  await page.fill('[data-testid=schema-editor] input[name=key-1]', 'm');
  await page.screenshot({ path: artifactPath('e2e', 'annotation-schema-editor.png') });
  await page.click('[data-testid=save-schema]');
  await page.waitForSelector(`[data-testid=label-panel][data-schema="${SCHEMA.name}"]`);
  assert.deepEqual(await page.$$eval('[data-testid=label-panel] li', (items) => items.map((li) => li.getAttribute('data-label'))), SCHEMA.labels);

  await page.keyboard.press('y'); // Pneumonia: yes, focus moves on
  await page.keyboard.press('m'); // Opacity: no
  await page.waitForSelector(`${row('Pneumonia')}[data-value="yes"]`);
  await page.waitForSelector(`${row('Opacity')}[data-value="no"]`);
  await page.keyboard.press('n'); // N is not a key of this schema: nothing happens
  await page.keyboard.press('j'); // ...but the focus still moves with J
  await page.waitForSelector(`${row('Pleural effusion')}[data-value=""]`);
  const db = openLibrary(libraryPath, { readonly: true });
  const rows = db
    .prepare("SELECT l.label, l.value, l.author FROM labels l JOIN label_schemas s ON s.id = l.schema_id WHERE s.name = ? AND l.study_id = ? AND l.source = 'human' ORDER BY l.label")
    .all(SCHEMA.name, byHand);
  const kind = db.prepare('SELECT kind, definition_json FROM label_schemas WHERE name = ?').get(SCHEMA.name) as { kind: string; definition_json: string };
  db.close();
  assert.deepEqual(rows, [
    { label: 'Opacity', value: 'no', author: currentUser() },
    { label: 'Pneumonia', value: 'yes', author: currentUser() },
  ]);
  assert.equal(kind.kind, 'multilabel');
  assert.deepEqual(JSON.parse(kind.definition_json), { labels: SCHEMA.labels, values: SCHEMA.values, keys: { yes: 'y', no: 'm' } });
});

test('report suggestions show as suggestions, hover highlights the deciding sentence, Enter accepts them as the person\'s labels', { skip }, async () => {
  await openStudy(suggested.id);
  for (const s of suggested.suggestions) await page.waitForSelector(`${row(s.label)}[data-suggested="${s.value}"][data-value=""]`);
  const first = suggested.suggestions.find((s) => s.sentence)!;
  await page.hover(`${row(first.label)} [data-testid=suggestion]`);
  const highlighted = await page.waitForSelector('[data-testid=report-pane] .highlighted');
  const text = (await highlighted.textContent()) ?? '';
  assert.ok(text.includes(first.sentence!.text) || first.sentence!.text.includes(text.trim()), `highlighted "${text}" for "${first.sentence!.text}"`);
  await page.screenshot({ path: artifactPath('e2e', 'annotation-suggestion-hover.png') });
  await page.mouse.move(5, 5);
  await page.keyboard.press('Enter');
  for (const s of suggested.suggestions) await page.waitForSelector(`${row(s.label)}[data-value="${s.value}"][data-suggested=""]`);
  await page.screenshot({ path: artifactPath('e2e', 'annotation-accepted.png') });
  const db = openLibrary(libraryPath, { readonly: true });
  const rows = db
    .prepare("SELECT l.label, l.value, l.source, l.author FROM labels l JOIN label_schemas s ON s.id = l.schema_id WHERE s.name = ? AND l.study_id = ? ORDER BY l.label, l.source")
    .all(SCHEMA.name, suggested.id) as { label: string; value: string; source: string; author: string }[];
  db.close();
  for (const s of suggested.suggestions) {
    assert.ok(rows.some((r) => r.label === s.label && r.value === s.value && r.source === 'human' && r.author === currentUser()), `${s.label} accepted`);
    assert.ok(rows.some((r) => r.label === s.label && r.value === s.value && r.source === 'suggested' && r.author === 'report'), `${s.label} suggestion kept`);
  }
  // Undo takes the whole acceptance back in one step; the suggestions come back.
  await page.keyboard.press('z');
  for (const s of suggested.suggestions) await page.waitForSelector(`${row(s.label)}[data-value=""][data-suggested="${s.value}"]`);
  await page.click('[data-testid=accept-suggestions]');
  for (const s of suggested.suggestions) await page.waitForSelector(`${row(s.label)}[data-value="${s.value}"]`);
});

test('"?" opens the shortcut sheet; a key rebound there works and is still rebound after a reload', { skip }, async () => {
  await page.keyboard.press('?');
  const sheet = await page.waitForSelector('[data-testid=shortcut-sheet]');
  const text = (await sheet.textContent()) ?? '';
  for (const what of ['invert', 'next series', 'next unlabelled study', "accept all of the study's suggestions", 'set the focused label to yes']) assert.ok(text.includes(what), `the sheet lists "${what}"`);
  await page.click('[data-testid=label-bindings] button[aria-label="Key for next label: J"]');
  await page.keyboard.press('l');
  await page.waitForSelector('[data-testid=label-bindings] button[aria-label="Key for next label: L"]');
  await page.screenshot({ path: artifactPath('e2e', 'annotation-shortcut-sheet.png') });
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=shortcut-sheet]', { state: 'detached' });

  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('[data-testid=study-table] tbody tr');
  await openStudy(byHand);
  await page.waitForSelector(`[data-testid=label-panel][data-schema="${SCHEMA.name}"]`); // the active schema is remembered too
  const focused = () => page.$eval('[data-testid=label-panel] li.focused', (li) => li.getAttribute('data-label'));
  assert.equal(await focused(), SCHEMA.labels[0]);
  await page.keyboard.press('l');
  assert.equal(await focused(), SCHEMA.labels[1]);
  await page.keyboard.press('j');
  assert.equal(await focused(), SCHEMA.labels[1], 'J no longer moves');
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=label-bindings] button[aria-label="Key for next label: L"]');
  await page.keyboard.press('?');
});

test('the schema\'s CSV holds its value names, one column per label', { skip }, async () => {
  const downloading = page.waitForEvent('download');
  await page.click('[data-testid=export-labels]');
  const file = join(dir, 'export.csv');
  await (await downloading).saveAs(file);
  const db = openLibrary(libraryPath, { readonly: true });
  const uid = (id: number) => (db.prepare('SELECT study_uid FROM studies WHERE id = ?').get(id) as { study_uid: string }).study_uid;
  const accepted = new Map(suggested.suggestions.map((s) => [s.label, s.value]));
  const lines = [
    [byHand, new Map([['Pneumonia', 'yes'], ['Opacity', 'no']])],
    [suggested.id, accepted],
  ]
    .sort((a, b) => (a[0] as number) - (b[0] as number))
    .map(([id, values]) => [uid(id as number), ...SCHEMA.labels.map((l) => (values as Map<string, string>).get(l) ?? '')].join(','));
  db.close();
  assert.equal(readFileSync(file, 'utf8'), `study_uid,${SCHEMA.labels.join(',')}\n${lines.join('\n')}\n`);
});

test('"Whole library" runs the report labeller over every study with a report and says what it stored', { skip }, async () => {
  await page.click('[data-testid=suggest-library]');
  const result = await page.waitForSelector('[data-testid=suggest-library-result]');
  const db = openLibrary(libraryPath, { readonly: true });
  const stored = db
    .prepare("SELECT count(*) AS n, count(DISTINCT l.study_id) AS studies FROM labels l JOIN label_schemas s ON s.id = l.schema_id WHERE s.name = ? AND l.source = 'suggested'")
    .get(SCHEMA.name) as { n: number; studies: number };
  const reports = (db.prepare('SELECT count(DISTINCT study_id) AS n FROM reports').get() as { n: number }).n;
  db.close();
  assert.match((await result.textContent()) ?? '', new RegExp(`^${stored.n} suggestions for ${reports} studies with a report`));
  assert.ok(stored.studies >= 2, `${stored.studies} studies have suggestions`);
});
