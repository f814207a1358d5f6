/** One linear-probe cell run (fit on a subset, C chosen on validation, test metric) against the same procedure in scikit-learn. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitWithValidation } from '../../src-main/eval/linear/select-c';
import { runProbe, score } from '../../src-main/eval/protocol/linear-probe';
import type { LabelTask, TaskExample } from '../../src-main/eval/tasks/task';
import { assertClose, golden } from './golden';

const SOLVER = { gradientTolerance: 1e-10, maxIterations: 20000 };

describe('linear-probe cell runs against scikit-learn', () => {
  for (const c of golden.probe) {
    const part = (prefix: string, x: number[][], y: number[]) => x.map((_, i): TaskExample => ({ key: `${prefix}${i}`, patientKey: `${prefix}${i}`, target: y[i]! }));
    const [train, val, test] = [part('tr', c.xTrain, c.yTrain), part('va', c.xVal, c.yVal), part('te', c.xTest, c.yTest)];
    const features = new Map<string, Float32Array>();
    for (const [prefix, x] of [['tr', c.xTrain], ['va', c.xVal], ['te', c.xTest]] as const) x.forEach((row, i) => features.set(`${prefix}${i}`, Float32Array.from(row)));
    const task: LabelTask = { name: c.name, kind: c.classes === 2 ? 'binary' : 'multiclass', classNames: Array.from({ length: c.classes }, (_, k) => `c${k}`), examples: [...train, ...val, ...test], convention: '', excluded: {} };

    for (const run of c.runs) {
      it(`${c.name}, ${run.subset.length} training labels: same validation scores, same C, same test ${c.classes === 2 ? 'AUC' : 'accuracy'}`, () => {
        const subset = run.subset.map((i) => train[i]!);
        const rows = (examples: TaskExample[]) => ({ rows: examples.map((e) => features.get(e.key)!), targets: examples.map((e) => e.target as number) });
        const selected = fitWithValidation(rows(subset), rows(val), { classes: c.classes, grid: c.grid, solver: SOLVER });
        assertClose(selected.candidates.map((x) => x.score ?? Number.NaN), run.candidates.map((x) => x.score), 1e-9, 'validation scores');
        assertClose(selected.candidates.map((x) => x.logLoss), run.candidates.map((x) => x.logLoss), 1e-4, 'validation log-loss');
        const fitted = runProbe(task, features, subset, val, test, { grid: c.grid, solver: SOLVER });
        assert.deepEqual(fitted.C, [run.C]);
        assertClose([score(task, test, fitted.predictions).value!], [run.value], 1e-9, 'test metric');
      });
    }
  }
});
