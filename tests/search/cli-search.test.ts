/** `convirt search` through the built bin on real library files. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { openTempLibrary, seedStudies } from './library-fixture';

test('convirt search: similar by instance and by image file (path or a copy), text without an encoder, empty library', () => {
  const { db, path } = openTempLibrary();
  const studies = seedStudies(db, [{ modality: 'CR', sentences: ['Small left pleural effusion.'] }, { modality: 'DX' }, { modality: 'CR' }]);
  const dir = tempDir();
  const image = join(dir, 'image.dcm');
  writeFileSync(image, 'not really DICOM, but hashed like one');
  const sha = createHash('sha256').update('not really DICOM, but hashed like one').digest('hex');
  db.prepare('UPDATE instances SET path = ?, content_hash = ? WHERE id = ?').run(image, sha, studies[0]!.instanceIds[0]!);
  const repo = new EmbeddingsRepo(db);
  const vectors = [[1, 0], [0.9, 0.3], [-1, 0.1]];
  repo.writeBatch({ modelId: 'm-1' }, 'image', studies.map((s, i) => ({ studyId: s.studyId, instanceId: s.instanceIds[0]!, vector: new Float32Array(vectors[i]!) })));
  db.close();

  const byId = runCli(['search', '--library', path, '--instance', String(studies[0]!.instanceIds[0]), '--k', '1', '--json']);
  assert.equal(byId.status, 0, byId.stderr);
  const res = JSON.parse(byId.stdout);
  assert.equal(res.modelId, 'm-1');
  assert.deepEqual(res.hits.map((h: { studyId: number }) => h.studyId), [studies[1]!.studyId]);

  const byPath = runCli(['search', '--library', path, '--image', image, '--modality', 'CR']);
  assert.equal(byPath.status, 0, byPath.stderr);
  assert.match(byPath.stdout, new RegExp(`^1\\s+${studies[2]!.studyId}\\s+-0\\.99`, 'm'));
  assert.match(byPath.stdout, /1 studies from 3 images of model m-1/);

  const text = runCli(['search', 'pleural effusion', '--library', path, '--json']);
  assert.notEqual(text.status, 0);
  assert.match(JSON.parse(text.stdout).error.message, /encoder cannot be loaded to embed the query text/);

  const outside = join(dir, 'copy.dcm');
  copyFileSync(image, outside);
  const byCopy = runCli(['search', '--library', path, '--image', outside, '--json']);
  assert.equal(byCopy.status, 0, byCopy.stderr);
  assert.equal(JSON.parse(byCopy.stdout).hits[0].studyId, studies[1]!.studyId, 'a copy with the same bytes is the same image');
  writeFileSync(outside, 'different bytes');
  const unknown = runCli(['search', '--library', path, '--image', outside]);
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /is not an image of this library: import it first/);

  const both = runCli(['search', 'x', '--instance', '1', '--library', path]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /exactly one query/);

  const empty = openTempLibrary();
  empty.db.close();
  const none = runCli(['search', '--text', 'effusion', '--library', empty.path]);
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /no image embeddings yet: pretrain a model on it first/);
});
