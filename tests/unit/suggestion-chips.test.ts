// One chip per label in the viewer's label panel: the report labeller's and the
// zero-shot suggestions for a label merged, the accepted value the first source's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chipFor } from '../../src-renderer/components/viewer/suggestion-chips';
import { labelActionForKey } from '../../src-renderer/components/viewer/label-keys';
import { EMPTY_CONFIG } from '../../src-renderer/lib/keys/bindings';
import type { PanelSuggestion } from '../../src-renderer/lib/state/panel-suggestion';

const at = '2026-11-28T09:00:00.000Z';
const report = (value: string): PanelSuggestion => ({ label: 'Edema', value, origin: 'report', at, evidence: { sentence: 'Mild edema.', start: 0, end: 11, mention: 'edema', cue: null }, stored: true });
const zeroShot = (value: string, score: number): PanelSuggestion => ({ label: 'Edema', value, origin: 'zero-shot', at, evidence: null, score, stored: false });

test('agreeing sources make one chip with both origins, the report sentence and the zero-shot score', () => {
  const chip = chipFor('Edema', [report('positive'), zeroShot('positive', 0.83)])!;
  assert.deepEqual(chip, {
    label: 'Edema',
    value: 'positive',
    origins: ['report', 'zero-shot'],
    score: 0.83,
    evidence: { sentence: 'Mild edema.', start: 0, end: 11, mention: 'edema', cue: null },
    disagreeing: [],
  });
});

test('a disagreeing source is listed, never accepted: the first (stored report) value wins', () => {
  const chip = chipFor('Edema', [report('negative'), zeroShot('positive', 0.71)])!;
  assert.equal(chip.value, 'negative');
  assert.deepEqual(chip.origins, ['report']);
  assert.equal(chip.score, null);
  assert.deepEqual(chip.disagreeing, [{ origin: 'zero-shot', value: 'positive', score: 0.71 }]);
});

test('zero-shot alone makes a chip with its score; no suggestion makes none', () => {
  const chip = chipFor('Edema', [zeroShot('negative', 0.12)])!;
  assert.deepEqual([chip.value, chip.origins, chip.score, chip.evidence], ['negative', ['zero-shot'], 0.12, null]);
  assert.equal(chipFor('Edema', []), null);
});

test('s accepts the focused label suggestion; Enter still accepts them all', () => {
  assert.deepEqual(labelActionForKey({ key: 's', ctrlKey: false, metaKey: false, altKey: false }, null, EMPTY_CONFIG), { kind: 'acceptFocused' });
  assert.deepEqual(labelActionForKey({ key: 'Enter', ctrlKey: false, metaKey: false, altKey: false }, null, EMPTY_CONFIG), { kind: 'accept' });
});
