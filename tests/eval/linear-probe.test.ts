import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitWithValidation } from '../../src-main/eval/linear/select-c';
import { predictProbabilities } from '../../src-main/eval/linear/logistic';
import { rocAuc } from '../../src-main/eval/metrics/roc-auc';
import { mulberry32 } from '../../src-main/eval/random';
import { linearProbe, type EncoderUnderTest } from '../../src-main/eval/protocol/linear-probe';
import { labelEfficiencyPlot, rocPlot } from '../../src-main/eval/report/svg-plot';
import { resultsCsv, resultsTable } from '../../src-main/eval/report/results-table';
import { drawSubset, splitByPatient } from '../../src-main/eval/splits';
import { rocCurve } from '../../src-main/eval/metrics/roc-auc';
import type { LabelTask, TaskExample } from '../../src-main/eval/tasks/task';

/** 400 studies of 200 patients; class k in {0,1,2} with prevalence 50/30/20%. */
function makeTask(kind: 'binary' | 'multiclass'): LabelTask {
  const examples: TaskExample[] = Array.from({ length: 400 }, (_, i) => {
    const u = (i * 7919) % 100;
    const cls = u < 50 ? 0 : u < 80 ? 1 : 2;
    return { key: `s${i}`, patientKey: `p${i >> 1}`, target: kind === 'binary' ? Math.min(cls, 1) : cls };
  });
  return { name: `synthetic-${kind}`, kind, classNames: kind === 'binary' ? ['neg', 'pos'] : ['a', 'b', 'c'], examples, convention: 'synthetic', excluded: {} };
}

/** Features: `signal` times a class-dependent direction plus unit noise, 16 dims, seeded per study. */
function encoder(name: string, task: LabelTask, signal: number): EncoderUnderTest {
  const byKey = new Map(task.examples.map((e) => [e.key, e]));
  return {
    name,
    featurize: (keys) =>
      keys.map((key) => {
        const e = byKey.get(key) as TaskExample;
        const random = mulberry32(Number(key.slice(1)) + 1000);
        return Float32Array.from({ length: 16 }, (_, j) => (j === (e.target as number) ? signal : 0) + (random() + random() + random() - 1.5) * 2);
      }),
  };
}

describe('linear-probe protocol', () => {
  it('ranks an informative encoder above a noise one, with the same subsets for both', async () => {
    const task = makeTask('binary');
    const split = splitByPatient(task.examples, 0);
    const recorded: string[] = [];
    const result = await linearProbe(task, split, [encoder('good', task, 2), encoder('noise', task, 0)], {
      seeds: 3,
      grid: [0.01, 1, 100],
      bootstrap: { resamples: 200, seed: 1 },
      onSubset: (fraction, seed, keys) => recorded.push(`${fraction}/${seed}/${keys.length}`),
    });
    assert.equal(result.cells.length, 6);
    assert.equal(recorded.length, 9, 'subsets are drawn once, shared by every encoder');
    const cell = (encoder: string, fraction: number) => result.cells.find((c) => c.encoder === encoder && c.fraction === fraction)!;
    for (const fraction of [0.1, 1]) assert.ok(cell('good', fraction).mean > cell('noise', fraction).mean + 0.2, `good beats noise at ${fraction}`);
    assert.ok(cell('good', 1).mean > 0.85);
    assert.equal(cell('good', 1).std, 0, 'all seeds share the whole training set at 100%');
    assert.ok(cell('good', 0.01).runs.every((r) => r.trainSize >= 2), 'every class in the 1% subsets');
    for (const c of result.cells) assert.ok(c.ci.lower <= c.mean + 1e-12 && c.mean <= c.ci.upper + 1e-12, `${c.encoder} ${c.fraction}: CI holds the mean`);
    assert.match(result.protocol, /AUC on the fixed test set/);
  });

  it('a cell value is exactly the AUC of a probe fitted by hand on the same subset', async () => {
    const task = makeTask('binary');
    const split = splitByPatient(task.examples, 3);
    const enc = encoder('good', task, 1);
    const result = await linearProbe(task, split, [enc], { fractions: [0.1], seeds: 1, grid: [0.1, 10], bootstrap: { resamples: 50 } });
    const byKey = new Map(task.examples.map((e) => [e.key, e]));
    const train = split.train.map((k) => byKey.get(k)!);
    const subset = drawSubset(task, train, 0.1, 0);
    const rows = async (keys: readonly string[]) => ({ rows: await enc.featurize(keys), targets: keys.map((k) => byKey.get(k)!.target as number) });
    const selected = fitWithValidation(await rows(subset), await rows(split.val), { classes: 2, grid: [0.1, 10], solver: { gradientTolerance: 1e-6, maxIterations: 1000 } });
    const test = await rows(split.test);
    const auc = rocAuc(test.targets, predictProbabilities(selected.model, test.rows).map((p) => p[1]!));
    assert.equal(result.cells[0]!.runs[0]!.value, auc);
    assert.deepEqual(result.cells[0]!.runs[0]!.C, [selected.C]);
  });

  it('multi-class uses accuracy; table, CSV and plot carry every cell', async () => {
    const task = makeTask('multiclass');
    const result = await linearProbe(task, splitByPatient(task.examples, 1), [encoder('good', task, 3), encoder('weak', task, 0.5)], {
      fractions: [0.01, 0.1, 1],
      seeds: 2,
      grid: [0.1, 10],
      bootstrap: { resamples: 100 },
    });
    assert.equal(result.metric, 'accuracy');
    const table = resultsTable(result);
    assert.deepEqual(table.headers, ['encoder', 'synthetic-multiclass 1%', 'synthetic-multiclass 10%', 'synthetic-multiclass 100%']);
    assert.equal(table.rows.length, 2);
    assert.match(table.rows[0]![3]!, /^\d\.\d{3} ± 0\.000 \[\d\.\d{3}, \d\.\d{3}\]$/);
    assert.equal(resultsCsv(result).trim().split('\n').length, 1 + 2 * 3 * 2);
    const svg = labelEfficiencyPlot(result);
    assert.ok(svg.startsWith('<svg') && svg.trim().endsWith('</svg>'));
    assert.equal((svg.match(/<polyline/g) ?? []).length, 2, 'one line per encoder');
    assert.equal((svg.match(/<circle/g) ?? []).length, 6, 'one point per cell');
  });

  it('multi-label: one probe per observation, uncertain entries left out, macro AUC', async () => {
    const base = makeTask('multiclass');
    // Observation 0: class b; observation 1: class c, uncertain (-1) on every 5th study.
    const examples = base.examples.map((e, i) => ({ ...e, target: [e.target === 1 ? 1 : 0, i % 5 === 0 ? -1 : e.target === 2 ? 1 : 0] }));
    const task: LabelTask = { ...base, name: 'synthetic-multilabel', kind: 'multilabel', classNames: ['b', 'c'], examples };
    const features = encoder('good', base, 3);
    const result = await linearProbe(task, splitByPatient(examples, 0), [features], { fractions: [1], seeds: 1, grid: [1], bootstrap: { resamples: 50 } });
    const run = result.cells[0]!.runs[0]!;
    assert.equal(run.perClass!.length, 2);
    assert.ok(run.perClass!.every((v) => v !== null && v > 0.8));
    assert.equal(run.value, (run.perClass![0]! + run.perClass![1]!) / 2);
    assert.deepEqual(run.C, [1, 1]);
  });

  it('ROC plot draws one curve per input', () => {
    const curve = rocCurve([0, 1, 0, 1], [0.1, 0.9, 0.4, 0.3]);
    const svg = rocPlot('ROC <test>', [{ name: 'a', curve, auc: 0.75 }]);
    assert.match(svg, /ROC &lt;test&gt;/);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 1);
  });

  it('refuses a split naming studies the task lacks', async () => {
    const task = makeTask('binary');
    const split = { ...splitByPatient(task.examples, 0), test: ['nope'] };
    await assert.rejects(linearProbe(task, split, [encoder('x', task, 1)]), /names study nope/);
  });
});
