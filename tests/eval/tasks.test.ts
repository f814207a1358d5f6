import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { covidFinding, covidView } from '../../src-main/eval/tasks/conventions';
import { chexpertTask, covidxTask, genericCsvTask, muraTask, rsnaPneumoniaTask } from '../../src-main/eval/tasks/tables';
import { classCounts, singleLabelTask } from '../../src-main/eval/tasks/task';

const COVID = join(__dirname, '..', '..', '..', 'shared', 'data', 'covid-cxr', 'pairs.jsonl');

describe('label conventions', () => {
  it('COVID finding: COVID-19 (with ARDS) vs other, todo and blank left out', () => {
    assert.deepEqual(['COVID-19', 'COVID-19, ARDS', 'SARS', 'No Finding', 'todo', ''].map(covidFinding.map), ['COVID-19', 'COVID-19', 'other', 'other', null, null]);
  });

  it('COVID view: AP Supine is AP, L is lateral, ? is left out', () => {
    assert.deepEqual(['PA', 'AP', 'AP Supine', 'L', '?', ''].map(covidView.map), ['PA', 'AP', 'AP', 'lateral', null, null]);
  });

  it('on the real collection (skips when ../shared/data is absent)', (t) => {
    if (!existsSync(COVID)) return t.skip(`${COVID} is absent`);
    const rows = readFileSync(COVID, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const raw = (field: string) => rows.map((r, i) => ({ key: String(i), patientKey: r.patientid as string, value: r[field] as string }));
    const finding = singleLabelTask('covid-finding', 'binary', covidFinding.classNames, raw('finding'), covidFinding.map, covidFinding.convention);
    assert.deepEqual(finding.excluded, { todo: 78 });
    assert.deepEqual(classCounts(finding, finding.examples), [542 - 78 - 348, 348]);
    const view = singleLabelTask('covid-view', 'multiclass', covidView.classNames, raw('view'), covidView.map, covidView.convention);
    assert.deepEqual(classCounts(view, view.examples), [256, 192, 55]);
    assert.deepEqual(view.excluded, { '': 35, '?': 4 });
  });

  it('a study with two values is an error, not a silent pick', () => {
    const raw = [{ key: 'a', patientKey: 'p', value: 'PA' }, { key: 'a', patientKey: 'p', value: 'AP' }];
    assert.throws(() => singleLabelTask('v', 'multiclass', covidView.classNames, raw, covidView.map, ''), /more than one value/);
  });
});

describe('imported tables', () => {
  const chexpert = [
    'Path,Sex,Age,Frontal/Lateral,AP/PA,No Finding,Atelectasis,Cardiomegaly,Consolidation,Edema,Pleural Effusion',
    'CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg,Female,68,Frontal,AP,,1.0,,-1.0,0.0,',
    'CheXpert-v1.0-small/train/patient00001/study1/view2_lateral.jpg,Female,68,Lateral,,,0.0,-1.0,1.0,,',
    'CheXpert-v1.0-small/train/patient00002/study2/view1_frontal.jpg,Male,87,Frontal,AP,,-1.0,,,-1.0,1.0',
  ].join('\n');

  it('CheXpert: U-ignore / U-ones / U-zeros, views merged per study, blank negative', () => {
    const ignore = chexpertTask(chexpert, 'train.csv', { policy: 'ignore' });
    assert.deepEqual(ignore.examples.map((e) => [e.key, e.patientKey, e.target]), [
      ['patient00001/study1', 'patient00001', [1, -1, 1, 0, 0]],
      ['patient00002/study2', 'patient00002', [-1, 0, 0, -1, 1]],
    ]);
    assert.deepEqual(chexpertTask(chexpert, 'train.csv', { policy: 'ones' }).examples[1]!.target, [1, 0, 0, 1, 1]);
    assert.deepEqual(chexpertTask(chexpert, 'train.csv', { policy: 'zeros' }).examples[1]!.target, [0, 0, 0, 0, 1]);
    assert.throws(() => chexpertTask('Path,Atelectasis\nx,1', 'train.csv', { policy: 'ignore' }), /train.csv: missing column\(s\) Cardiomegaly/);
    assert.throws(() => chexpertTask(chexpert.replace('1.0,,-1.0', '2.0,,-1.0'), 'train.csv', { policy: 'ignore' }), /train.csv row 2: unexpected CheXpert value '2.0'/);
  });

  it('RSNA Pneumonia: any box makes the study positive', () => {
    const task = rsnaPneumoniaTask('patientId,x,y,width,height,Target\na,,,,,0\nb,1,2,3,4,1\nb,5,6,7,8,1\nc,,,,,0', 'labels.csv');
    assert.deepEqual(task.examples.map((e) => [e.key, e.target]), [['a', 0], ['b', 1], ['c', 0]]);
  });

  it('COVIDx: three classes from the space-separated list', () => {
    const task = covidxTask('p1 a.png normal rsna\np2 b.png COVID-19 cohen\np2 c.png pneumonia rsna\n', 'train.txt');
    assert.deepEqual(task.examples.map((e) => [e.key, e.patientKey, e.target]), [['a.png', 'p1', 0], ['b.png', 'p2', 2], ['c.png', 'p2', 1]]);
    assert.throws(() => covidxTask('p1 a.png\n', 'train.txt'), /train.txt line 1/);
  });

  it('MURA: study folders with 0/1', () => {
    const task = muraTask('MURA-v1.1/valid/XR_WRIST/patient11185/study1_positive/,1\nMURA-v1.1/valid/XR_WRIST/patient11186/study1_negative/,0\n', 'valid_labeled_studies.csv');
    assert.deepEqual(task.examples.map((e) => [e.patientKey, e.target]), [['patient11185', 1], ['patient11186', 0]]);
  });

  it('generic CSV: binary, multi-class, multi-label, and clear errors', () => {
    const binary = genericCsvTask('study_uid,patient_id,label\n1.2.3,p1,yes\n1.2.4,p2,no\n', 'mine.csv', { name: 'mine', positive: 'yes' });
    assert.deepEqual([binary.kind, binary.classNames, binary.examples.map((e) => e.target)], ['binary', ['no', 'yes'], [1, 0]]);
    const multi = genericCsvTask('study,label\na,x\nb,y\nc,z\nd,\n', 'm.csv', { name: 'm' });
    assert.deepEqual([multi.kind, multi.examples.map((e) => e.target), multi.excluded], ['multiclass', [0, 1, 2], { '': 1 }]);
    const ml = genericCsvTask('study,A,B\na,1,-1\nb,0,1\n', 'ml.csv', { name: 'ml', policy: 'zeros' });
    assert.deepEqual([ml.kind, ml.examples.map((e) => e.target)], ['multilabel', [[1, 0], [0, 1]]]);
    assert.throws(() => genericCsvTask('id,label\na,1\n', 'bad.csv', { name: 'x' }), /bad.csv: no study column/);
    assert.throws(() => genericCsvTask('study,label\na,1\nb,1\n', 'one.csv', { name: 'x' }), /fewer than 2 distinct values/);
  });
});
