/**
 * List thumbnails: 96 px grayscale PNGs from a plain image and from a real
 * DICOM file (MONOCHROME1 shown in display polarity), behind the bridge's
 * token, and clear errors for unknown or unreadable images.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PNG } from 'pngjs';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { startBridge } from '../../src-main/server/bridge';
import { stretchContrast, THUMBNAIL_SIDE } from '../../src-main/server/thumbnails';
import { createServices } from '../../src-main/services/index';
import { seedBigLibrary } from '../helpers/big-library';
import { tempDir } from '../helpers/temp';

const CR = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom', 'chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm');
const dir = tempDir();
const services = createServices(join(dir, 'lib.sqlite'), 'browser');
seedBigLibrary(services.db, { studies: 3, imageDir: dir });
const bridgePromise = startBridge({ services, rendererDir: dir });
after(async () => {
  await (await bridgePromise).close();
  services.close();
});

async function thumb(path: string, token?: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const bridge = await bridgePromise;
  const res = await fetch(`${bridge.origin}/${path}`, { headers: { authorization: `Bearer ${token ?? bridge.token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

test('stretchContrast maps the 1st..99th percentile onto 0..255 and leaves flat images alone', () => {
  const ramp = Uint8Array.from({ length: 1000 }, (_, i) => 100 + Math.floor(i / 20)); // 100..149
  const out = stretchContrast(ramp);
  assert.equal(out[0], 0);
  assert.equal(out[999], 255);
  assert.ok(out[500]! > 100 && out[500]! < 160);
  assert.deepEqual(stretchContrast(new Uint8Array([7, 7, 7])), new Uint8Array([7, 7, 7]));
});

test('a plain image becomes a 96 px PNG behind the token', async () => {
  const reply = await thumb('thumbs/1');
  assert.equal(reply.status, 200);
  assert.equal(reply.type, 'image/png');
  const png = PNG.sync.read(reply.body);
  assert.equal(Math.max(png.width, png.height), THUMBNAIL_SIDE);
  assert.equal((await thumb('thumbs/1', 'wrong')).status, 401);
  assert.equal((await thumb('thumbs/999')).status, 404);
  assert.equal((await thumb('thumbs/x')).status, 400);
});

test('a DICOM radiograph without a cache entry is decoded, MONOCHROME1 as displayed', { skip: !existsSync(CR) && `${CR} is absent` }, async () => {
  const copy = join(dir, 'cr.dcm');
  copyFileSync(CR, copy);
  await importDicom(services.db, [copy], { decode: false });
  const { id, rows, columns } = services.db.prepare('SELECT id, rows, columns FROM instances WHERE path = ?').get(copy) as { id: number; rows: number; columns: number };
  const reply = await thumb(`thumbs/${id}`);
  assert.equal(reply.status, 200);
  const png = PNG.sync.read(reply.body);
  assert.equal(Math.max(png.width, png.height), THUMBNAIL_SIDE);
  // Aspect kept: the longer side is 96 px.
  assert.deepEqual([png.width, png.height], rows > columns ? [Math.round((THUMBNAIL_SIDE * columns) / rows), THUMBNAIL_SIDE] : [THUMBNAIL_SIDE, Math.round((THUMBNAIL_SIDE * rows) / columns)]);
  // Lungs (either side of the middle, upper half) darker than the spine in the middle of the chest.
  const at = (x: number, y: number) => png.data[(Math.round(y * png.height) * png.width + Math.round(x * png.width)) * 4]!;
  const lungs = (at(0.3, 0.45) + at(0.7, 0.45)) / 2;
  assert.ok(lungs < at(0.5, 0.45), `lungs ${lungs} vs mediastinum ${at(0.5, 0.45)}`);
});

test('an image that cannot be read answers 422, not a crash', async () => {
  const broken = join(dir, 'broken.png');
  writeFileSync(broken, 'not a png');
  services.db.prepare('UPDATE instances SET path = ?, content_hash = ? WHERE id = 2').run(broken, 'broken-hash');
  const reply = await thumb('thumbs/2');
  assert.equal(reply.status, 422);
  assert.match(reply.body.toString(), /cannot read/);
});
