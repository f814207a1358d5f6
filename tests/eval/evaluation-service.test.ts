/**
 * The evaluation service on a real library file (16 COVID-19 + 16 other pairs of
 * the COVID collection): tasks with their counts, encoders, an evaluation run in
 * the forked worker with progress events, its stored result read back equal to
 * the worker's own JSON output, cancel, and a run stored before the record
 * existed. Skips when ../shared/data is absent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { JobEvent } from '../../src-shared/contract/events';
import { EvalResult, EvalTask } from '../../src-shared/contract/evaluation';
import type { Db } from '../../src-main/db/connection';
import { createEvaluationService, type EvaluationService } from '../../src-main/services/evaluation-service';
import { balancedCovidLibrary, covidSkip } from '../helpers/eval-library';
import { tempDir } from '../helpers/temp';

describe('evaluation service on a real library', { skip: covidSkip }, () => {
  let db: Db;
  let path: string;
  let service: EvaluationService;
  const events: JobEvent[] = [];
  // Made here, not in before(): a temp folder made inside a hook is removed when the hook ends.
  const dir = tempDir('convirt-eval-service-');

  before(async () => {
    ({ db, path } = await balancedCovidLibrary(16, dir));
    service = createEvaluationService(db, path, { emit: (e) => events.push(e), backend: 'wasm', bootstrapResamples: 100 });
  });

  it('lists the label tasks with their class counts, as the probe would build them', async () => {
    const tasks = (await service.listTasks({})).map((t) => EvalTask.parse(t));
    const finding = tasks.find((t) => t.name === 'covid-finding');
    assert.ok(finding, `tasks: ${tasks.map((t) => t.name).join(', ')}`);
    assert.equal(finding.kind, 'binary');
    assert.deepEqual(finding.classNames, ['other', 'COVID-19']);
    assert.deepEqual(finding.classCounts, [16, 16]);
    assert.equal(finding.studies, 32);
    assert.equal(finding.problem, null);
    const labelled = db.prepare("SELECT count(DISTINCT l.study_id) AS n FROM labels l JOIN label_schemas s ON s.id = l.schema_id WHERE s.name = 'covid-view'").get() as { n: number };
    const view = tasks.find((t) => t.name === 'covid-view');
    assert.ok(view);
    assert.equal(view.studies + Object.values(view.excluded).reduce((a, b) => a + b, 0), labelled.n, 'every labelled study is either in the task or counted as excluded');
  });

  it('lists random init and the checkpoints of pretraining runs', async () => {
    assert.deepEqual((await service.listEncoders({})).map((e) => e.id), ['random']);
    const run = Number(db.prepare("INSERT INTO runs (kind, config_json, status) VALUES ('pretrain', '{}', 'done')").run().lastInsertRowid);
    const checkpoint = Number(db.prepare("INSERT INTO checkpoints (run_id, epoch, step, path) VALUES (?, 2, 40, '/nowhere/step-40')").run(run).lastInsertRowid);
    const encoders = await service.listEncoders({});
    assert.deepEqual(encoders.map((e) => e.id), ['random', `checkpoint:${checkpoint}`]);
    assert.equal(encoders[1]!.name, `ConVIRT (run ${run}, epoch 2, step 40)`);
    db.prepare('DELETE FROM runs WHERE id = ?').run(run);
  });

  it('refuses an unknown task or checkpoint before starting a worker', async () => {
    await assert.rejects(async () => service.run({ task: 'nope', encoders: ['random'], fractions: [1], seeds: 1, splitSeed: 0, retrieval: false, queriesPerCategory: 10 }), /no label schema 'nope'/);
    await assert.rejects(async () => service.run({ task: 'covid-finding', encoders: ['checkpoint:999'], fractions: [1], seeds: 1, splitSeed: 0, retrieval: false, queriesPerCategory: 10 }), /no pretraining checkpoint 999/);
    assert.equal(service.current(), null);
  });

  it('cancel kills the worker and marks its run cancelled', async () => {
    events.length = 0;
    const job = await service.run({ task: 'covid-finding', encoders: ['random'], fractions: [0.1, 1], seeds: 3, splitSeed: 0, retrieval: false, queriesPerCategory: 10 });
    await assert.rejects(async () => service.run({ task: 'covid-finding', encoders: ['random'], fractions: [1], seeds: 1, splitSeed: 0, retrieval: false, queriesPerCategory: 10 }), /already running/);
    // Cancel once the run row exists (the worker reports it before extracting features).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.type === 'log' || e.type === 'failed' || e.type === 'done')) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    assert.equal(events.at(-1)?.type, 'log', JSON.stringify(events.at(-1)));
    assert.deepEqual(await service.cancel({ jobId: 'someone-else' }), { cancelled: false });
    assert.deepEqual(await service.cancel({ jobId: job.jobId }), { cancelled: true });
    const outcome = await service.current();
    assert.equal(outcome?.status, 'cancelled');
    assert.equal(events.at(-1)?.type, 'cancelled');
    const stored = (await service.listResults({})).find((r) => r.runId === outcome?.runId);
    assert.equal(stored?.status, 'cancelled');
    assert.deepEqual(await service.listJobs({}), []);
  });

  it('runs a tiny evaluation in the worker with progress events; the stored result equals the worker output', async () => {
    events.length = 0;
    const job = await service.run({ task: 'covid-finding', encoders: ['random'], fractions: [0.1, 1], seeds: 2, splitSeed: 0, retrieval: true, queriesPerCategory: 3 });
    assert.equal(job.task, 'covid-finding');
    assert.equal((await service.listJobs({}))[0]?.jobId, job.jobId);
    const outcome = await service.current();
    assert.equal(outcome?.status, 'done', outcome?.error ?? '');
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'started');
    assert.equal(types.at(-1), 'done');
    const probes = events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress' && (e.message ?? '').startsWith('linear probes'));
    assert.deepEqual(probes.map((p) => `${p.done}/${p.total}`), ['1/4', '2/4', '3/4', '4/4']);
    assert.ok(events.every((e) => e.jobId === job.jobId));

    const runId = outcome!.runId!;
    const summary = (await service.listResults({}))[0]!;
    assert.deepEqual({ runId: summary.runId, status: summary.status, task: summary.task, encoders: summary.encoders, fractions: summary.fractions, seeds: summary.seeds, metric: summary.metric }, { runId, status: 'done', task: 'covid-finding', encoders: ['random init'], fractions: [0.1, 1], seeds: 2, metric: 'auc' });

    const result = EvalResult.parse(await service.getResult({ runId }));
    const file = join(dirname(path), 'eval-results', 'covid-finding.json');
    assert.ok(outcome!.files.includes(file));
    const written = JSON.parse(readFileSync(file, 'utf8')) as {
      runId: number;
      protocol: string;
      split: unknown;
      cells: { encoder: string; fraction: number; mean: number; std: number; ci: { lower: number; upper: number }; runs: { value: number; trainSize: number }[]; roc: { fpr: number[]; tpr: number[] } }[];
      retrieval: { encoder: string; imageToImage: { ks: number[]; macro: number[] } }[];
    };
    assert.equal(written.runId, runId);
    assert.equal(result.protocol, written.protocol);
    assert.deepEqual(result.split, written.split);
    assert.deepEqual(result.task, { kind: 'binary', classNames: ['other', 'COVID-19'] });
    assert.equal(result.cells.length, 2);
    for (const [i, cell] of result.cells.entries()) {
      const want = written.cells[i]!;
      assert.deepEqual([cell.encoder, cell.fraction, cell.mean, cell.std, cell.ci?.lower, cell.ci?.upper], [want.encoder, want.fraction, want.mean, want.std, want.ci.lower, want.ci.upper]);
      assert.deepEqual(cell.runs.map((r) => [r.value, r.trainSize]), want.runs.map((r) => [r.value, r.trainSize]));
      assert.deepEqual(cell.roc, { fpr: want.roc.fpr, tpr: want.roc.tpr });
      assert.ok(cell.ci!.lower <= cell.ci!.upper);
    }
    assert.deepEqual(result.retrieval.map((r) => [r.encoder, r.ks, r.macro]), written.retrieval.map((r) => [r.encoder, r.imageToImage.ks, r.imageToImage.macro]));
    assert.deepEqual(Object.keys(result.retrieval[0]!.perCategory).sort(), ['COVID-19', 'other']);
  });

  it('reads a run stored before cells carried ROC points and runs a record', async () => {
    const runId = Number(db.prepare("INSERT INTO runs (kind, config_json, status, started_at, finished_at) VALUES ('eval', ?, 'done', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')").run(JSON.stringify({ task: 'covid-view', convention: 'view: PA / AP / lateral', seeds: 5 })).lastInsertRowid);
    const insert = db.prepare("INSERT INTO metrics (run_id, name, split, value, extra_json) VALUES (?, ?, 'test', ?, ?)");
    insert.run(runId, 'accuracy/my/encoder/0.01', 0.5, JSON.stringify({ std: 0.1, ci: { estimate: 0.5, lower: 0.4, upper: 0.6, confidence: 0.95, resamples: 100, undefinedResamples: 0 }, runs: [{ seed: 0, trainSize: 3, C: [1], value: 0.5, perClass: null }] }));
    insert.run(runId, 'accuracy/my/encoder/1', 0.7, JSON.stringify({ std: 0, ci: { estimate: 0.7, lower: 0.6, upper: 0.8, confidence: 0.95, resamples: 100, undefinedResamples: 0 }, runs: [] }));
    const result = EvalResult.parse(await service.getResult({ runId }));
    assert.deepEqual(result.summary.encoders, ['my/encoder']);
    assert.deepEqual(result.summary.fractions, [0.01, 1]);
    assert.equal(result.summary.metric, 'accuracy');
    assert.equal(result.protocol, null);
    assert.equal(result.convention, 'view: PA / AP / lateral');
    assert.deepEqual(result.cells.map((c) => [c.encoder, c.fraction, c.mean, c.roc]), [['my/encoder', 0.01, 0.5, null], ['my/encoder', 1, 0.7, null]]);
    await assert.rejects(async () => service.getResult({ runId: 99999 }), /no evaluation run 99999/);
  });
});
