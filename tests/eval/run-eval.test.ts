/**
 * End to end on real data: part of the COVID collection (copied to a temp folder)
 * imported into a real library, then the linear probe with a random-init encoder,
 * as `convirt eval` runs it. Skips when ../shared/data is absent.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { runLinearEval } from '../../src-main/eval/run-eval';
import { loadDataset } from '../../src-main/eval/store';
import { parseEncoder } from '../../src-main/cli/commands/eval';
import { importLayout } from '../../src-main/ingest/layouts/index';
import { useBackend } from '../../src-main/ml/backend/select';
import { tempDir } from '../helpers/temp';

const ROOT = join(__dirname, '..', '..', '..', 'shared', 'data', 'covid-cxr');
const skip = existsSync(ROOT) ? false : `${ROOT} is absent`;

/** 16 COVID-19 and 16 other-finding pairs, in file order. */
function copySubset(to: string): void {
  const lines = readFileSync(join(ROOT, 'pairs.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const rows = lines.map((l) => JSON.parse(l) as { finding: string; image: string });
  const covid = rows.filter((r) => r.finding.startsWith('COVID-19')).slice(0, 16);
  const other = rows.filter((r) => !r.finding.startsWith('COVID-19') && r.finding !== 'todo').slice(0, 16);
  mkdirSync(join(to, 'images'));
  for (const r of [...covid, ...other]) copyFileSync(join(ROOT, r.image), join(to, r.image));
  writeFileSync(join(to, 'pairs.jsonl'), `${[...covid, ...other].map((r) => JSON.stringify(r)).join('\n')}\n`);
}

describe('convirt eval on the COVID collection', { skip }, () => {
  // wasm: the fastest backend every machine has (the plain cpu backend is ~5x slower here).
  before(() => useBackend('wasm'));

  it('random-init features through the whole protocol; splits, subsets, run and files recorded', async () => {
    const data = tempDir('convirt-eval-data-');
    copySubset(data);
    const libraryPath = join(tempDir('convirt-eval-lib-'), 'library.sqlite');
    const db = openLibrary(libraryPath);
    await importLayout(db, { root: data, layout: 'covid' });
    const outDir = join(tempDir(), 'out');
    const request = {
      task: 'covid-finding',
      encoders: [parseEncoder('random')],
      fractions: [0.1, 1],
      seeds: 2,
      grid: [0.01, 1],
      bootstrapResamples: 100,
      outDir,
      retrieval: { queriesPerCategory: 3, poolPerCategory: 10 },
    };
    const first = await runLinearEval(db, libraryPath, request);
    const result = first.result;
    assert.equal(result.task.kind, 'binary');
    assert.equal(result.split.train + result.split.val + result.split.test, 32);
    assert.equal(result.cells.length, 2);
    for (const cell of result.cells) assert.ok(cell.mean >= 0 && cell.mean <= 1 && cell.ci.lower <= cell.ci.upper);
    assert.deepEqual(first.files.map((f) => f.slice(outDir.length + 1)), ['covid-finding.json', 'covid-finding.csv', 'covid-finding.svg', 'covid-finding-roc.svg']);
    assert.equal(first.retrieval.length, 1);
    assert.equal(first.retrieval[0]!.imageToImage.queries, 6);
    assert.deepEqual(first.retrieval[0]!.imageToImage.ks, [5, 10], 'P@50 needs 50 candidates; the pool has 20');
    assert.ok(first.retrieval[0]!.imageToImage.macro.every((p) => p >= 0 && p <= 1));
    assert.equal(JSON.parse(readFileSync(first.files[0]!, 'utf8')).runId, first.runId);

    // Features were stored once per image under the encoder's model id.
    assert.equal(new EmbeddingsRepo(db).count('random-init/cpu-small/seed0', 'image'), 32);
    const split = loadDataset(db, 'covid-finding/split0');
    assert.equal(split.test.length, result.split.test);
    assert.equal(loadDataset(db, 'covid-finding/split0/train10%/seed1').train.length, result.cells[0]!.runs[1]!.trainSize);
    const run = db.prepare('SELECT status FROM runs WHERE id = ?').get(first.runId) as { status: string };
    assert.equal(run.status, 'done');
    assert.equal((db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(first.runId) as { n: number }).n, 2 + 2);

    // Rerunning reads the stored features and the recorded subsets: the same numbers.
    const second = await runLinearEval(db, libraryPath, request);
    assert.deepEqual(second.result.cells.map((c) => c.runs.map((r) => r.value)), result.cells.map((c) => c.runs.map((r) => r.value)));
  });

  it('names a missing schema clearly', async () => {
    const libraryPath = join(tempDir(), 'library.sqlite');
    const db = openLibrary(libraryPath);
    await assert.rejects(runLinearEval(db, libraryPath, { task: 'covid-view', encoders: [parseEncoder('random')] }), /no label schema 'covid-view' in this library/);
  });
});
