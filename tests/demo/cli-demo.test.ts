// `convirt demo` as a user runs it (the built bin): generate, import with
// reports, reuse on a second run, refuse a foreign folder, serve the library.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const SMALL = ['--studies', '5', '--image-size', '96', '--seed', '3', '--no-train'];

test('demo generates an archive beside the library, imports images and reports, and reuses it next time', () => {
  const dir = tempDir();
  const lib = join(dir, 'demo.sqlite');
  const first = runCli(['demo', '--no-serve', '--json', '--library', lib, ...SMALL]);
  assert.equal(first.status, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  assert.equal(summary.archive, join(dir, 'demo-archive'));
  assert.equal(summary.generated, true);
  assert.equal(summary.studies, 5);
  assert.equal(summary.imported.added, summary.images);
  assert.equal(summary.imported.rejected, 0);
  assert.equal(summary.reports.attached, 5);
  // The ground truth lands as imported CheXpert labels: 7 observations per study.
  assert.deepEqual({ studies: summary.labels.studies, labels: summary.labels.labels }, { studies: 5, labels: 35 });
  assert.equal(summary.experiment, null, '--no-train skips pretraining and evaluation');
  assert.doesNotMatch(first.stderr, /demo archive \[|import +\[/, 'no progress bar with --json');
  const page = JSON.parse(runCli(['studies', '--library', lib, '--json']).stdout);
  assert.equal(page.total, 5);
  const again = JSON.parse(runCli(['demo', '--no-serve', '--json', '--library', lib, ...SMALL]).stdout);
  assert.equal(again.generated, false);
  assert.equal(again.imported.added, 0);
  assert.equal(again.reports.unchanged, 5);
  const human = runCli(['demo', '--no-serve', '--library', lib, ...SMALL]);
  assert.match(human.stdout, /\(reused\): \d+ patients, 5 studies/);
});

test('demo refuses an --out folder that is not the same archive, and bad numbers', () => {
  const dir = tempDir();
  const out = join(dir, 'something');
  mkdirSync(out);
  const r = runCli(['demo', '--no-serve', '--library', join(dir, 'l.sqlite'), '--out', out, ...SMALL]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /is not a demo archive/);
  const bad = runCli(['demo', '--no-serve', '--library', join(dir, 'l.sqlite'), '--studies', 'many']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--studies must be an integer/);
});

test('demo then serves the library in browser mode', async () => {
  const lib = join(tempDir(), 'demo.sqlite');
  const { info, stop } = await startCli(['demo', '--json', '--library', lib, ...SMALL]);
  try {
    assert.equal(info.library, lib);
    assert.match(info.url!, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    assert.equal((await fetch(info.url!, { redirect: 'manual' })).status, 303);
  } finally {
    await stop();
  }
});

test('demo runs the whole experiment: ConVIRT and SimCLR pretraining, linear probes against random init, text-to-image search', () => {
  const dir = tempDir();
  const lib = join(dir, 'demo.sqlite');
  const config = join(dir, 'tiny.json');
  writeFileSync(
    config,
    JSON.stringify({
      image: { encoder: { depth: 18, widthMultiplier: 0.0625 }, size: 32 },
      text: { vocabSize: 300, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxTokens: 32 },
      heads: { hiddenDim: 16, outputDim: 8, batchNorm: true },
      batchSize: 8,
      epochs: 1,
    }),
  );
  const r = runCli(['demo', '--no-serve', '--json', '--library', lib, '--studies', '40', '--image-size', '64', '--seed', '3', '--config', config, '--seeds', '2', '--fractions', '10,100'], {}, 600_000);
  assert.equal(r.status, 0, r.stderr);
  const { experiment, labels, evaluation } = JSON.parse(r.stdout);
  // Evaluation and search run on a second archive of other patients, imported after pretraining.
  assert.equal(labels, null);
  assert.equal(evaluation.studies, 40);
  assert.deepEqual(experiment.evaluationSet, { studies: 40, images: evaluation.images, labels: 40 * 7 });
  const studies = JSON.parse(runCli(['studies', '--library', lib, '--json']).stdout);
  assert.equal(studies.total, 80);
  assert.equal(experiment.convirt.status, 'done');
  assert.equal(experiment.simclr.status, 'done');
  assert.notEqual(experiment.convirt.checkpoint, experiment.simclr.checkpoint);
  // 6 findings x 3 encoders x 2 fractions, each a mean of 2 seeds' AUCs.
  assert.equal(experiment.rows.length, 36);
  assert.deepEqual([...new Set(experiment.rows.map((row: { encoder: string }) => row.encoder))].sort(), ['ConVIRT', 'SimCLR (image only)', 'random init']);
  for (const row of experiment.rows) {
    assert.equal(row.values.length, 2);
    assert.ok(row.mean >= 0 && row.mean <= 1, `${row.task} ${row.encoder}: AUC ${row.mean}`);
  }
  assert.equal(experiment.search.length, 6);
  for (const s of experiment.search) assert.ok(s.precisionAt10 >= 0 && s.precisionAt10 <= 1 && s.prevalence > 0, JSON.stringify(s));
  for (const file of experiment.files) assert.ok(existsSync(file), file);
  // Each checkpoint carries its recipe: same encoder, different objective.
  const saved = (checkpoint: string) => JSON.parse(readFileSync(join(checkpoint, 'config.json'), 'utf8'));
  assert.equal(saved(experiment.convirt.checkpoint).method, 'convirt');
  assert.equal(saved(experiment.simclr.checkpoint).method, 'simclr');
  assert.deepEqual(saved(experiment.simclr.checkpoint).image, saved(experiment.convirt.checkpoint).image);
});
