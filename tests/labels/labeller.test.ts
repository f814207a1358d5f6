/**
 * The rule-based report labeller on sentences: negation with its scope,
 * uncertainty, resolved findings, CheXpert's No Finding rule, the deciding
 * sentence, user-schema rules, and a golden set of hand-checked sentences
 * (tests/fixtures/labeller/golden-sentences.json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import { binaryAgreement } from '../../src-main/labeller/agreement';
import { labelReportText, labelSentences, ruleForLabel, suggestionsForSchema, type LabellerSentence } from '../../src-main/labeller/index';

const one = (text: string): LabellerSentence[] => [{ text, start: 0, end: text.length }];

/** Non-blank values of a sentence, No Finding left out. */
function values(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of labelSentences(one(text))) if (r.value && r.observation !== 'No Finding') out[r.observation] = r.value;
  return out;
}

test('negation reaches every mention of its clause and stops at "but"', () => {
  assert.deepEqual(values('No focal consolidation, pleural effusion or pneumothorax.'), { Consolidation: 'negative', 'Pleural Effusion': 'negative', Pneumothorax: 'negative' });
  assert.deepEqual(values('No pneumothorax, but a small right pleural effusion.'), { Pneumothorax: 'negative', 'Pleural Effusion': 'positive' });
  assert.deepEqual(values('No effusion; there is a right pneumothorax.'), { 'Pleural Effusion': 'negative', Pneumothorax: 'positive' });
  assert.deepEqual(values('Small effusion is seen without pneumothorax.'), { 'Pleural Effusion': 'positive', Pneumothorax: 'negative' });
});

test('uncertainty before and after the mention, and a cue that only looks like one', () => {
  assert.deepEqual(values('Cannot exclude pneumonia.'), { Pneumonia: 'uncertain' });
  assert.deepEqual(values('Pneumonia cannot be excluded.'), { Pneumonia: 'uncertain' });
  assert.deepEqual(values('Possible small left effusion.'), { 'Pleural Effusion': 'uncertain' });
  assert.deepEqual(values('Left base opacity may represent pneumonia.'), { 'Lung Opacity': 'positive', Pneumonia: 'uncertain' });
  // "cannot exclude" holds "not": it is uncertainty, not negation.
  assert.deepEqual(values('We cannot exclude a small pneumothorax.'), { Pneumothorax: 'uncertain' });
  // "to suggest" after a negation is part of the negation.
  assert.deepEqual(values('No opacity to suggest pneumonia.'), { 'Lung Opacity': 'negative', Pneumonia: 'negative' });
});

test('resolved findings are negative; "no change in" a finding keeps it positive', () => {
  assert.deepEqual(values('Resolved left pneumothorax.'), { Pneumothorax: 'negative' });
  assert.deepEqual(values('The right pleural effusion has resolved.'), { 'Pleural Effusion': 'negative' });
  assert.deepEqual(values('No significant change in the bilateral effusions.'), { 'Pleural Effusion': 'positive' });
  assert.deepEqual(values('Unchanged mild cardiomegaly.'), { Cardiomegaly: 'positive' });
});

test('over a report, positive beats uncertain beats negative, and the deciding sentence is the first with the winning value', () => {
  const report = 'FINDINGS: No pneumothorax. Possible tiny left apical pneumothorax. Right pneumothorax is present.\n\nIMPRESSION: Right pneumothorax.';
  const pneumothorax = labelReportText(report).find((r) => r.observation === 'Pneumothorax')!;
  assert.equal(pneumothorax.value, 'positive');
  assert.equal(pneumothorax.sentence?.text, 'Right pneumothorax is present.');
  assert.equal(report.slice(pneumothorax.sentence!.start, pneumothorax.sentence!.end), 'Right pneumothorax is present.');
  const hedged = labelReportText('FINDINGS: No pneumothorax. Possible tiny left apical pneumothorax.').find((r) => r.observation === 'Pneumothorax')!;
  assert.deepEqual([hedged.value, hedged.cue], ['uncertain', 'Possible']);
});

test('the indication is not read: "r/o pneumonia" there is a question', () => {
  const results = labelReportText('INDICATION: Cough, r/o pneumonia.\n\nFINDINGS: The lungs are clear. No pleural effusion.');
  assert.equal(results.find((r) => r.observation === 'Pneumonia')!.value, null);
  assert.equal(results.find((r) => r.observation === 'Pleural Effusion')!.value, 'negative');
});

test('No Finding: positive when nothing but support devices is positive or uncertain, blank otherwise and for an empty report', () => {
  const noFinding = (text: string) => labelReportText(text).find((r) => r.observation === 'No Finding')!;
  const normal = noFinding('FINDINGS: Heart size normal. No effusion or pneumothorax.\n\nIMPRESSION: No acute cardiopulmonary abnormality.');
  assert.equal(normal.value, 'positive');
  assert.equal(normal.sentence?.text, 'No acute cardiopulmonary abnormality.');
  assert.equal(noFinding('FINDINGS: Right PICC line in place. Lungs are clear.').value, 'positive', 'support devices do not stand in the way');
  assert.equal(noFinding('FINDINGS: Small left pleural effusion.').value, null);
  assert.equal(noFinding('FINDINGS: Cannot exclude early pneumonia.').value, null, 'uncertain counts as a finding');
  assert.equal(noFinding('').value, null);
});

test('user labels: a CheXpert name or alias takes its rules, another name is its own mention', () => {
  assert.equal(ruleForLabel('effusion')!.name, 'effusion');
  assert.equal(ruleForLabel('No Finding'), null);
  const sentences = one('Small right effusion. No emphysema. Possible hiatal hernia.');
  const schema = { kind: 'multilabel' as const, labels: ['Effusion', 'Emphysema', 'Hiatal hernia', 'Cardiomegaly'], values: ['yes', 'no'] };
  const got = suggestionsForSchema(schema, sentences).map((s) => [s.label, s.value]);
  // "Possible hiatal hernia" is uncertain: no value named "uncertain", so no suggestion; one sentence holds all three.
  assert.deepEqual(got, [
    ['Effusion', 'yes'],
    ['Emphysema', 'no'],
  ]);
  const withUncertain = suggestionsForSchema({ ...schema, values: ['present', 'absent', 'uncertain'] }, sentences).map((s) => [s.label, s.value]);
  assert.deepEqual(withUncertain, [
    ['Effusion', 'present'],
    ['Emphysema', 'absent'],
    ['Hiatal hernia', 'uncertain'],
  ]);
  const multiclass = { kind: 'multiclass' as const, labels: ['finding'], values: ['Normal', 'Pneumonia', 'Pneumothorax'] };
  assert.deepEqual(suggestionsForSchema(multiclass, one('No pneumothorax. The lungs are clear.')).map((s) => s.value), ['Normal']);
  assert.deepEqual(suggestionsForSchema(multiclass, one('Pneumonia and a small pneumothorax.')), [], 'two positive classes: no single suggestion');
});

interface Golden {
  sentences: { text: string; expect: Record<string, string> }[];
}

test('golden set: hand-checked sentences', () => {
  const golden = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'labeller', 'golden-sentences.json'), 'utf8')) as Golden;
  assert.ok(golden.sentences.length >= 40, `${golden.sentences.length} sentences`);
  const wrong = golden.sentences.map((g) => ({ text: g.text, got: values(g.text), expect: g.expect })).filter((g) => !isDeepStrictEqual(g.got, g.expect));
  assert.deepEqual(
    wrong,
    [],
  );
});

test('agreement: counts, precision, recall, F1 and kappa against scikit-learn on a fixed example', () => {
  // sklearn.metrics on these lists: precision 0.6, recall 0.75, f1 0.6667, cohen_kappa_score 0.4 (tests/fixtures/labeller/agreement_golden.py).
  const reference = [true, true, true, true, false, false, false, false, false, false];
  const predicted = [true, true, true, false, true, true, false, false, false, false];
  const a = binaryAgreement(predicted, reference);
  assert.deepEqual([a.tp, a.fp, a.fn, a.tn], [3, 2, 1, 4]);
  assert.ok(Math.abs(a.precision! - 0.6) < 1e-12);
  assert.ok(Math.abs(a.recall! - 0.75) < 1e-12);
  assert.ok(Math.abs(a.f1! - 2 / 3) < 1e-12);
  assert.ok(Math.abs(a.kappa! - 0.4) < 1e-12);
  assert.equal(binaryAgreement([false, false], [false, false]).kappa, null);
  assert.throws(() => binaryAgreement([true], []), RangeError);
});
