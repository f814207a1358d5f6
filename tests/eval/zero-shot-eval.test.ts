/**
 * Zero-shot rows of a binary evaluation on real data: 8 COVID-19 and 8 other
 * studies of the COVID collection, a tiny ConVIRT checkpoint trained one epoch
 * by the real trainer, then `convirt eval` with it and random init. The row's
 * AUC is recomputed here from the checkpoint's own image and prompt embeddings
 * of the test studies (no labels go into the scores; they only grade them).
 * Skips when ../shared/data is absent.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Db } from '../../src-main/db/connection';
import { parsePrompts } from '../../src-main/cli/commands/eval';
import { splitParts } from '../../src-main/eval/protocol/cells';
import { taskPrompts } from '../../src-main/eval/protocol/zero-shot';
import { resultsTable } from '../../src-main/eval/report/results-table';
import { readEvalResult } from '../../src-main/eval/results-store';
import { runEval } from '../../src-main/eval/run-eval';
import { splitByPatient } from '../../src-main/eval/splits';
import { libraryTask } from '../../src-main/eval/tasks/library-task';
import { loadCheckpointEmbedder } from '../../src-main/search/checkpoint-embedder';
import { balancedCovidBeforeAll, covidSkip } from '../helpers/eval-library';
import { trainTinyCheckpoint } from '../search/tiny-checkpoint';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j]!, 0);

/** Mann-Whitney: the share of (positive, negative) pairs ranked right, ties half. */
function pairAuc(labels: number[], scores: number[]): number {
  let right = 0;
  let pairs = 0;
  labels.forEach((yi, i) =>
    labels.forEach((yj, j) => {
      if (yi !== 1 || yj !== 0) return;
      pairs++;
      right += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }),
  );
  return right / pairs;
}

describe('zero-shot prompts', () => {
  it('come from the positive class, or from the observation of a positive / negative task', () => {
    assert.deepEqual(taskPrompts({ name: 'covid-finding', kind: 'binary', classNames: ['other', 'COVID-19'] }), { positive: 'covid-19', negative: 'no covid-19' });
    assert.deepEqual(taskPrompts({ name: 'CheXpert/Pleural Effusion', kind: 'binary', classNames: ['negative', 'positive'] }), { positive: 'pleural effusion', negative: 'no pleural effusion' });
    assert.throws(() => taskPrompts({ name: 'covid-view', kind: 'multiclass', classNames: ['PA', 'AP', 'lateral'] }), /need a binary task/);
  });

  it('convirt eval --prompts takes "<positive>|<negative>"', () => {
    assert.deepEqual(parsePrompts(' pneumonia | no pneumonia '), { positive: 'pneumonia', negative: 'no pneumonia' });
    assert.throws(() => parsePrompts('pneumonia'), /--prompts must be/);
    assert.throws(() => parsePrompts('a|b|c'), /--prompts must be/);
  });
});

describe('zero-shot rows in a binary evaluation', { skip: covidSkip }, () => {
  const library = balancedCovidBeforeAll(8, 'convirt-zero-shot-eval-');
  let db: Db;
  let path: string;
  let checkpoint: string;
  before(async () => {
    ({ db, path } = library());
    ({ checkpoint } = await trainTinyCheckpoint(db, path));
  });

  it('scores the test set from prompts alone, for the ConVIRT checkpoint only, and stores the row', async () => {
    const request = {
      task: 'covid-finding',
      encoders: [
        { name: 'ConVIRT', spec: { kind: 'checkpoint' as const, path: checkpoint } },
        { name: 'random init', spec: { kind: 'random' as const, imageSize: 32 } },
      ],
      fractions: [1],
      seeds: 1,
      grid: [1],
      bootstrapResamples: 200,
    };
    const outcome = await runEval(db, path, request);
    assert.equal(outcome.zeroShot.length, 1, 'random init has no text encoder: no zero-shot row');
    const row = outcome.zeroShot[0]!;
    assert.equal(row.encoder, 'ConVIRT');
    assert.deepEqual(row.prompts, { positive: 'covid-19', negative: 'no covid-19' });

    // The same fixed test set as the probe rows, scored independently here.
    const task = libraryTask(db, 'covid-finding');
    const { test } = splitParts(task, splitByPatient(task.examples, 0));
    assert.equal(row.test, test.length);
    assert.equal(row.test, outcome.result.split.test);
    const embedder = loadCheckpointEmbedder(db, path, checkpoint);
    const [positive, negative] = [embedder.embedText('covid-19'), embedder.embedText('no covid-19')];
    const instanceOf = db.prepare('SELECT i.id FROM instances i JOIN series se ON se.id = i.series_id WHERE se.study_id = ?').pluck();
    const gaps: number[] = [];
    for (const e of test) {
      const image = await embedder.embedImage(instanceOf.get(Number(e.key)) as number);
      gaps.push(dot(image, positive) - dot(image, negative));
    }
    embedder.dispose();
    const expected = pairAuc(test.map((e) => e.target as number), gaps);
    assert.ok(Math.abs(row.value - expected) < 1e-9, `zero-shot AUC ${row.value}, recomputed ${expected}`);
    assert.ok(row.ci.lower <= row.value && row.value <= row.ci.upper);

    const table = resultsTable(outcome.result, outcome.zeroShot);
    assert.equal(table.rows.length, 3);
    assert.match(table.rows[2]![0]!, /^ConVIRT zero-shot \("covid-19" vs "no covid-19", no labels\)$/);

    const stored = readEvalResult(db, outcome.runId);
    assert.deepEqual(stored.zeroShot.map((z) => [z.encoder, z.positivePrompt, z.negativePrompt, z.value, z.test]), [['ConVIRT', 'covid-19', 'no covid-19', row.value, test.length]]);
    assert.equal(stored.cells.length, 2, 'the zero-shot row is not read back as a probe cell');
    assert.equal(readEvalResult(db, outcome.runId).summary.metric, 'auc');

    // Prompts of the user's choice, or no zero-shot row at all.
    const custom = await runEval(db, path, { ...request, zeroShot: { positive: 'ground glass opacities', negative: 'clear lungs' } });
    assert.deepEqual(custom.zeroShot[0]!.prompts, { positive: 'ground glass opacities', negative: 'clear lungs' });
    assert.equal((await runEval(db, path, { ...request, zeroShot: false })).zeroShot.length, 0);
  });
});
