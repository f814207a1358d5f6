/**
 * The MLM warm-up of the text encoder: its loss falls on a tiny corpus within
 * seconds; a ConVIRT run with text.mlmWarmup saves the warmed encoder with the
 * run's config and starts its contrastive stage from those weights; a cancel
 * inside the warm-up leaves no checkpoint; an extra corpus folder is read
 * (the IU X-ray reports when ../shared/data is there).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { readReportCorpus } from '../../../src-main/ml/mlm/corpus';
import { MLM_WARMUP_DIR } from '../../../src-main/ml/mlm/save';
import { mlmWarmup } from '../../../src-main/ml/mlm/warmup';
import { createBert } from '../../../src-main/ml/models/bert';
import { latestCheckpoint } from '../../../src-main/ml/train/checkpoint';
import { parseTrainConfig } from '../../../src-main/ml/train/config';
import { runTokenizer } from '../../../src-main/ml/train/tokenizer';
import { train } from '../../../src-main/ml/train/trainer';
import { readSafetensors } from '../../../src-main/ml/weights/safetensors';
import { tempDir } from '../../helpers/temp';
import { memorySource, tinyConfig, tinyPairs, wordTokenizer } from '../train/tiny';

const IU_REPORTS = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'iu-xray-reports');
const pairs = tinyPairs(16);
const reports = pairs.map((p) => p.reportText);
const source = memorySource(pairs);
const EMBEDDINGS = 'bert.embeddings.word_embeddings.weight';

function warmConfig(mlmWarmup: Record<string, unknown> | null, text: Record<string, unknown> = {}) {
  const base = tinyConfig();
  return parseTrainConfig({ ...base, epochs: 1, text: { ...base.text, vocabSize: 120, maxTokens: 24, mlmWarmup, ...text } });
}

describe('MLM warm-up', () => {
  before(() => useBackend('cpu'));

  it('the masked-token loss falls on a tiny corpus within seconds', async () => {
    const config = warmConfig({ steps: 30, lr: 3e-2, batch: 8 });
    const { tokenizer } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => reports });
    const t = config.text;
    const tensorsBefore = tf.memory().numTensors;
    const bert = createBert({ vocabSize: t.vocabSize, hiddenSize: t.hiddenSize, numLayers: t.numLayers, numHeads: t.numHeads, intermediateSize: t.intermediateSize, maxPositions: t.maxTokens, dropout: 0 }, { seed: 3 });
    const events: number[] = [];
    const started = Date.now();
    const result = await mlmWarmup({ bert, spec: config.text.mlmWarmup!, config, tokenizer, texts: reports, onEvent: (e) => events.push(e.step) });
    const seconds = (Date.now() - started) / 1000;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(result.losses.slice(0, 5));
    const last = mean(result.losses.slice(-10));
    assert.equal(result.losses.length, 30);
    assert.deepEqual(events, Array.from({ length: 30 }, (_, i) => i + 1), 'progress after every step');
    assert.ok(result.losses[0]! > 0.9 * Math.log(tokenizer.vocab.length), `starts near chance (log V): ${result.losses[0]}`);
    // Measured: about 4.5 -> 2.0; word order and the fixed phrasing are learnable, left / right / upper / lower are not.
    assert.ok(last < 0.6 * first, `loss ${first.toFixed(3)} -> ${last.toFixed(3)}`);
    assert.ok(seconds < 60, `${seconds} s`);
    result.head.dispose();
    bert.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore, 'every step and the optimiser state freed');
  });

  it('a ConVIRT run saves the warmed encoder with its config and starts from it', async () => {
    // Frozen embeddings: the contrastive stage leaves them exactly as the warm-up made them.
    const config = warmConfig({ steps: 12, lr: 3e-3, batch: 8 }, { freezeEmbeddings: true });
    const { tokenizer, vocabText } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => reports });
    const runDir = tempDir();
    const mlmSteps: number[] = [];
    const result = await train({ config, source, tokenizer, runDir, reportTexts: () => reports, checkpointFiles: { 'vocab.txt': vocabText }, onPreStage: (e) => e.type === 'mlm' && mlmSteps.push(e.step) });
    assert.equal(result.status, 'done');
    assert.equal(mlmSteps.length, 12);
    const dir = join(runDir, MLM_WARMUP_DIR);
    assert.equal(result.mlmWarmup?.dir, dir);
    assert.equal(result.mlmWarmup?.steps, 12);
    assert.ok(result.mlmWarmup!.lastLoss < result.mlmWarmup!.firstLoss);
    const savedConfig = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { text: { mlmWarmup: { steps: number } } };
    assert.equal(savedConfig.text.mlmWarmup.steps, 12);
    assert.ok(existsSync(join(dir, 'vocab.txt')));
    const warmed = readSafetensors(join(dir, 'model.safetensors')).tensors;
    assert.ok(warmed.has('cls.predictions.transform.dense.weight') && warmed.has('bert.encoder.layer.0.attention.self.query.weight'), 'BertForMaskedLM names');
    const checkpoint = latestCheckpoint(runDir)!;
    const trained = readSafetensors(join(checkpoint, 'model.safetensors')).tensors;
    assert.deepEqual(trained.get(`text_encoder.${EMBEDDINGS}`)!.data, warmed.get(EMBEDDINGS)!.data);
    const progress = JSON.parse(readFileSync(join(checkpoint, 'progress.json'), 'utf8')) as { mlmWarmup: { dir: string } };
    assert.equal(progress.mlmWarmup.dir, dir, 'the run record says the encoder was warmed');

    const cold = await train({ config: warmConfig(null, { freezeEmbeddings: true }), source, tokenizer, runDir: tempDir() });
    const coldWeights = readSafetensors(join(cold.lastCheckpoint!, 'model.safetensors')).tensors;
    assert.notDeepEqual(coldWeights.get(`text_encoder.${EMBEDDINGS}`)!.data, warmed.get(EMBEDDINGS)!.data, 'the warm-up changed the embeddings');
    assert.equal(cold.mlmWarmup, null);
  });

  it('a cancel inside the warm-up leaves no checkpoint, so a resume starts afresh', async () => {
    const config = warmConfig({ steps: 50, batch: 4 });
    const { tokenizer } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => reports });
    const runDir = tempDir();
    let steps = 0;
    const result = await train({ config, source, tokenizer, runDir, reportTexts: () => reports, onPreStage: () => (steps += 1), shouldStop: () => steps >= 3 });
    assert.equal(result.status, 'cancelled');
    assert.equal(result.checkpoint, null);
    assert.equal(latestCheckpoint(runDir), null);
    assert.ok(!existsSync(join(runDir, MLM_WARMUP_DIR)));
  });

  it('needs a WordPiece tokenizer, and says so', async () => {
    const config = warmConfig({ steps: 2 });
    await assert.rejects(train({ config, source, tokenizer: wordTokenizer(reports), runDir: tempDir() }), /text\.mlmWarmup needs a WordPiece tokenizer/);
  });

  it('reads a corpus folder of .txt files and report tables, and names a table it cannot use', () => {
    const folder = tempDir();
    mkdirSync(join(folder, 'more'));
    writeFileSync(join(folder, 'a.txt'), 'No acute cardiopulmonary process.\n');
    writeFileSync(join(folder, 'more', 'b.csv'), 'id,findings,impression\n1,Clear lungs.,Normal chest.\n2,,Small effusion.\n3,,\n');
    assert.deepEqual(readReportCorpus(folder), ['No acute cardiopulmonary process.', 'Clear lungs.\nNormal chest.', 'Small effusion.']);
    writeFileSync(join(folder, 'c.csv'), 'id,label\n1,x\n');
    assert.throws(() => readReportCorpus(folder), /c\.csv has no findings, impression, report or text column/);
    assert.throws(() => readReportCorpus(join(folder, 'missing')), /is not a folder/);
  });

  it('reads the IU X-ray reports as a corpus, and the run vocabulary includes them', (t) => {
    if (!existsSync(IU_REPORTS)) {
      t.skip(`${IU_REPORTS} is absent (the shared data folder)`);
      return;
    }
    const texts = readReportCorpus(IU_REPORTS);
    assert.ok(texts.length > 3500 && texts.length <= 3851, `${texts.length} reports`);
    const config = parseTrainConfig({ ...warmConfig({ steps: 1, corpus: IU_REPORTS }), text: { ...warmConfig(null).text, vocabSize: 2000, mlmWarmup: { steps: 1, corpus: IU_REPORTS } } });
    const { tokenizer } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => reports });
    assert.ok(tokenizer.ids.has('cardiomegaly'), 'a word the tiny reports never use');
  });
});
