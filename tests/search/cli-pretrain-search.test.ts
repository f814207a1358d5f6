/** `convirt pretrain` then `convirt search "..."` as a user runs them: the built bin on a library imported from image files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SearchResponse } from '../../src-shared/contract/search';
import { CLI } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { covidLibrary, covidSkip } from '../helpers/covid-library';

function convirt(args: string[]) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

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

test('convirt pretrain embeds the library; convirt search "pleural effusion" ranks its studies with sentences', { skip: covidSkip }, async () => {
  const dir = tempDir();
  const { db, path } = await covidLibrary(8, dir);
  db.close();
  const configFile = join(dir, 'tiny.json');
  writeFileSync(configFile, JSON.stringify(TINY));

  const pretrain = convirt(['pretrain', '--library', path, '--config', configFile, '--backend', 'cpu', '--json']);
  assert.equal(pretrain.status, 0, pretrain.stderr);
  const summary = JSON.parse(pretrain.stdout) as { status: string; runId: number; embedded: { modelId: string; images: number; sentences: number } | null };
  assert.equal(summary.status, 'done');
  assert.ok(summary.embedded);
  assert.match(summary.embedded.modelId, new RegExp(`^run-${summary.runId}/step-`));
  assert.equal(summary.embedded.images, 8);
  assert.ok(summary.embedded.sentences >= 8);

  const search = convirt(['search', 'pleural effusion', '--library', path, '--k', '5', '--json']);
  assert.equal(search.status, 0, search.stderr);
  const response = JSON.parse(search.stdout) as SearchResponse;
  assert.equal(response.modelId, summary.embedded.modelId);
  assert.equal(response.hits.length, 5);
  assert.ok(response.hits.every((h) => h.sentence !== null && h.sentence.text.length > 0));

  const table = convirt(['search', 'pleural effusion', '--library', path, '--k', '3']);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /3 studies from 8 images of model run-/);

  // Studies that arrive later (here: three whose vectors are removed) are embedded by `convirt embed`, and only they.
  const Database = (await import('better-sqlite3')).default;
  const raw = new Database(path);
  const removed = raw.prepare("DELETE FROM embeddings WHERE kind = 'image' AND id IN (SELECT id FROM embeddings WHERE kind = 'image' ORDER BY id LIMIT 3)").run().changes;
  raw.close();
  assert.equal(removed, 3);
  const embed = convirt(['embed', '--library', path, '--backend', 'cpu', '--json']);
  assert.equal(embed.status, 0, embed.stderr);
  assert.deepEqual(JSON.parse(embed.stdout), { modelId: summary.embedded.modelId, images: 3, sentences: 0 });
  const again = convirt(['embed', '--library', path, '--backend', 'cpu', '--json']);
  assert.deepEqual(JSON.parse(again.stdout), { modelId: summary.embedded.modelId, images: 0, sentences: 0 });
});

test('convirt embed on a library with no pretrained model says to pretrain first', () => {
  const lib = join(tempDir(), 'empty.sqlite');
  const r = convirt(['embed', '--library', lib]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /run `convirt pretrain` first/);
});
