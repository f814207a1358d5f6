import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../src-main/ml/augment/rng';
import { candidateSentences, countTokens, sampleReportText, splitSentences } from '../../../src-main/ml/augment/text-augment';

const report = 'EXAM: Chest PA.\nFINDINGS: Heart size is normal. No effusion. Lungs are clear bilaterally.\nIMPRESSION: No acute cardiopulmonary process.';
const sections = [
  { name: 'EXAM', text: 'Chest PA.' },
  { name: 'FINDINGS', text: 'Heart size is normal. No effusion. Lungs are clear bilaterally.' },
  { name: 'IMPRESSION', text: 'No acute cardiopulmonary process.' },
];

describe('text augmentation', () => {
  it('splits sentences and counts word tokens', () => {
    assert.deepEqual(splitSentences('A b c. D e!\nF g? h'), ['A b c.', 'D e!', 'F g?', 'h']);
    assert.equal(countTokens('No effusion.'), 2);
    assert.equal(countTokens('T2-weighted image, 3 mm.'), 5);
  });

  it('draws from Findings + Impression sentences of at least 3 tokens, uniformly', () => {
    assert.deepEqual(candidateSentences(sections), ['Heart size is normal.', 'Lungs are clear bilaterally.', 'No acute cardiopulmonary process.']);
    const rng = new Rng(5);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const s = sampleReportText(rng, report, sections);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    assert.equal(counts.size, 3);
    for (const n of counts.values()) assert.ok(Math.abs(n / 3000 - 1 / 3) < 0.04, `share ${n / 3000}`);
  });

  it('uses the whole text when no Findings or Impression exist, or every sentence is too short', () => {
    assert.equal(sampleReportText(new Rng(1), '  Normal chest.  ', []), 'Normal chest.');
    assert.equal(sampleReportText(new Rng(1), 'Normal. Clear.', [{ name: 'impression', text: 'Normal. Clear.' }]), 'Normal. Clear.');
  });

  it('report mode joins Findings and Impression', () => {
    assert.equal(sampleReportText(new Rng(1), report, sections, 'report'), 'Heart size is normal. No effusion. Lungs are clear bilaterally. No acute cardiopulmonary process.');
  });

  it('mixed mode gives the whole Findings + Impression half the time and one sentence otherwise', () => {
    const rng = new Rng(9);
    const whole = sampleReportText(new Rng(1), report, sections, 'report');
    const draws = Array.from({ length: 2000 }, () => sampleReportText(rng, report, sections, 'mixed'));
    const share = draws.filter((d) => d === whole).length / draws.length;
    assert.ok(Math.abs(share - 0.5) < 0.04, `whole-report share ${share}`);
    assert.ok(draws.every((d) => d === whole || candidateSentences(sections).includes(d)));
  });
});
