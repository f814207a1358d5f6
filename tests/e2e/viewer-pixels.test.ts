/**
 * The viewer's services over the bridge, without a browser: viewer:openStudy
 * lays out stacks and finds the sentence to highlight; GET pixels/<id>/<frame>
 * answers only with the token and sends exactly the stored values decodeFrame
 * gives, with their FrameMeta.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FRAME_META_HEADER, FrameMeta, ViewerStudy } from '../../src-shared/contract/viewer';
import { IngestRepo } from '../../src-main/db/ingest-repo';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { decodeFrame } from '../../src-main/ingest/pixels/decode';
import { reportRecord } from '../../src-main/ingest/reports/index';
import { configureLog } from '../../src-main/log';
import { startBridge, type Bridge } from '../../src-main/server/bridge';
import { findHighlight } from '../../src-main/services/viewer-service';
import { createServices, type Services } from '../../src-main/services/index';
import { tempDir } from '../helpers/temp';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom');
const CR_FILE = join(DATA, 'chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm');
const XA_FILE = join(DATA, 'syntaxes', 'jpeg_baseline_8bit.dcm');
const skip = existsSync(DATA) ? false : `shared DICOM data not found at ${DATA}`;

let services: Services;
let bridge: Bridge;
const ids = { crStudy: 0, crInstance: 0, xaStudy: 0, xaInstance: 0 };

before(async () => {
  if (skip) return;
  const dir = tempDir();
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ConVIRT</title>');
  services = createServices(join(dir, 'lib.sqlite'), 'browser');
  configureLog({ quiet: true });
  await importDicom(services.db, [CR_FILE, XA_FILE], { decode: false });
  const find = services.db.prepare('SELECT i.id, se.study_id FROM instances i JOIN series se ON se.id = i.series_id WHERE i.path = ?');
  const cr = find.get(CR_FILE) as { id: number; study_id: number };
  const xa = find.get(XA_FILE) as { id: number; study_id: number };
  Object.assign(ids, { crStudy: cr.study_id, crInstance: cr.id, xaStudy: xa.study_id, xaInstance: xa.id });
  new IngestRepo(services.db).putReport(cr.study_id, reportRecord('FINDINGS: Heart size normal. Small left pleural effusion.\nIMPRESSION: Effusion.', 'txt'));
  bridge = await startBridge({ services, rendererDir: dir });
});

after(async () => {
  await bridge?.close();
  services?.close();
});

async function openStudy(body: unknown): Promise<ViewerStudy> {
  const res = await fetch(`${bridge.origin}/api/viewer:openStudy`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { ok: boolean; value: unknown };
  assert.equal(json.ok, true);
  return ViewerStudy.parse(json.value);
}

test('openStudy highlights a sentence by its text, by index, and by shared words', { skip }, async () => {
  const byText = await openStudy({ studyId: ids.crStudy, highlight: { text: 'small left PLEURAL effusion' } });
  assert.equal(byText.highlightedSentence, 1);
  assert.equal(byText.study.report!.sentences[1]!.text, 'Small left pleural effusion.');
  assert.equal((await openStudy({ studyId: ids.crStudy, highlight: { sentenceIndex: 2 } })).highlightedSentence, 2);
  assert.equal((await openStudy({ studyId: ids.crStudy })).highlightedSentence, null);
  assert.equal(findHighlight([{ text: 'Lungs are clear.' }, { text: 'There is a left effusion, small.' }], { text: 'small effusion on the left' }), 1);
  assert.equal(findHighlight([{ text: 'Lungs are clear.' }], { sentenceIndex: 4 }), null);
});

test('a multi-frame instance becomes one stack image per frame', { skip }, async () => {
  const xa = await openStudy({ studyId: ids.xaStudy });
  const images = xa.stacks.flatMap((s) => s.images).filter((i) => i.instanceId === ids.xaInstance);
  assert.equal(images.length, 96);
  assert.deepEqual(images.map((i) => i.frame), Array.from({ length: 96 }, (_, k) => k));
});

test('pixels need the token', { skip }, async () => {
  const res = await fetch(`${bridge.origin}/pixels/${ids.crInstance}/0`);
  assert.equal(res.status, 401);
});

test('pixels are the stored values decodeFrame gives, with their FrameMeta', { skip }, async () => {
  const res = await fetch(`${bridge.origin}/pixels/${ids.crInstance}/0`, { headers: { authorization: `Bearer ${bridge.token}` } });
  assert.equal(res.status, 200);
  const meta = FrameMeta.parse(JSON.parse(res.headers.get(FRAME_META_HEADER)!));
  const expected = await decodeFrame(CR_FILE, 0);
  assert.deepEqual([meta.rows, meta.columns, meta.dataType, meta.invert, meta.photometricInterpretation], [1955, 1841, 'uint16', true, 'MONOCHROME1']);
  assert.deepEqual(meta.window, expected.window);
  const received = new Uint16Array(await res.arrayBuffer());
  assert.equal(received.length, expected.stored.length);
  assert.deepEqual(Buffer.from(received.buffer), Buffer.from(expected.stored.buffer, expected.stored.byteOffset, expected.stored.byteLength));
  let [min, max] = [Infinity, -Infinity];
  for (const v of received) [min, max] = [Math.min(min, v), Math.max(max, v)];
  assert.deepEqual([meta.minStored, meta.maxStored], [min, max]);
});

test('a frame past the end, an unknown image and a malformed path are refused', { skip }, async () => {
  const get = (path: string) => fetch(`${bridge.origin}${path}`, { headers: { authorization: `Bearer ${bridge.token}` } }).then((r) => r.status);
  assert.equal(await get(`/pixels/${ids.crInstance}/1`), 404);
  assert.equal(await get('/pixels/999999/0'), 404);
  assert.equal(await get('/pixels/abc/0'), 400);
  assert.equal(await get(`/pixels/${ids.xaInstance}/95`), 200);
});
