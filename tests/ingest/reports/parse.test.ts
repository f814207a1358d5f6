import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReport, sectionText, splitSentences } from '../../../src-main/ingest/reports/index';

const sentencesOf = (text: string): string[] => splitSentences(text).map(([a, b]) => text.slice(a, b));

test('headings in several spellings map to canonical sections', () => {
  const text = [
    'Clinical History: cough.',
    'COMPARISON - None.',
    'Technique:',
    'PA and lateral views.',
    'Findings:',
    'The lungs are clear.',
    '',
    'CONCLUSION',
    'Normal chest.',
    'NOTIFICATION: Discussed with the team.',
  ].join('\n');
  const report = parseReport(text);
  assert.deepEqual(
    report.sections.map((s) => [s.name, s.text]),
    [
      ['INDICATION', 'cough.'],
      ['COMPARISON', 'None.'],
      ['TECHNIQUE', 'PA and lateral views.'],
      ['FINDINGS', 'The lungs are clear.'],
      ['IMPRESSION', 'Normal chest.'],
      ['NOTIFICATION', 'Discussed with the team.'],
    ],
  );
});

test('upper-case headings inside a flattened line start sections; title case words in prose do not', () => {
  const report = parseReport('FINDINGS: Lungs clear. Comparison: none seen.  IMPRESSION: Normal. History: of smoking is noted? no');
  assert.equal(sectionText(report, 'FINDINGS'), 'Lungs clear. Comparison: none seen.');
  assert.equal(sectionText(report, 'IMPRESSION'), 'Normal. History: of smoking is noted? no');
});

test('words that start like headings are not headings', () => {
  const report = parseReport('History of smoking.\nFindings suggest pneumonia.\nImpressionable text.');
  assert.deepEqual(report.sections, []);
  assert.equal(report.sentences.length, 3);
  assert.ok(report.sentences.every((s) => s.section === null));
});

test('unknown upper-case headings end the section before them', () => {
  const report = parseReport('IMPRESSION: No acute process.\nWET READ: XXXX XXXX 3:45 PM.');
  assert.equal(sectionText(report, 'IMPRESSION'), 'No acute process.');
  assert.equal(sectionText(report, 'WET READ'), 'XXXX XXXX 3:45 PM.');
});

test('sentences do not break at abbreviations, decimals or list numbers', () => {
  assert.deepEqual(sentencesOf('Seen by Dr. XXXX. Nodule vs. scar, approx. 1.5 cm. e.g. granuloma. No. 3 tube in place.'), [
    'Seen by Dr. XXXX.',
    'Nodule vs. scar, approx. 1.5 cm.',
    'e.g. granuloma.',
    'No. 3 tube in place.',
  ]);
  assert.deepEqual(sentencesOf('1. No acute process. 2. Stable 2.3 cm nodule.\n3. Follow-up i.e. CT in 3 mo.'), [
    'No acute process.',
    'Stable 2.3 cm nodule.',
    'Follow-up i.e. CT in 3 mo.',
  ]);
  assert.deepEqual(sentencesOf('Pt. states no pain. Heart size is normal.The lungs are clear'), [
    'Pt. states no pain.',
    'Heart size is normal.',
    'The lungs are clear',
  ]);
  // "ca." is cancer before a capital and circa before a number.
  assert.deepEqual(sentencesOf('Hx of lung ca. The lungs are clear. Size ca. 3 cm.'), ['Hx of lung ca.', 'The lungs are clear.', 'Size ca. 3 cm.']);
});

test('sentences break at blank lines and list items, not at wrapped lines', () => {
  const text = 'The heart is normal in size and the\nmediastinum is unremarkable\n\nNo effusion\n- small scar\n* old fracture';
  assert.deepEqual(sentencesOf(text), [
    'The heart is normal in size and the\nmediastinum is unremarkable',
    'No effusion',
    'small scar',
    'old fracture',
  ]);
});

test('question and exclamation marks end sentences unless prose goes on', () => {
  assert.deepEqual(sentencesOf('Pneumothorax? None seen! He was not at a ?wet market? (a market) then.'), [
    'Pneumothorax?',
    'None seen!',
    'He was not at a ?wet market? (a market) then.',
  ]);
});

test('every section and sentence is the raw text at its offsets; the raw text is not changed', () => {
  const text = '  FINAL REPORT\r\n INDICATION:  cough\r\n\r\n FINDINGS:\r\n \r\n Clear lungs.  No effusion.\r\n\r\n IMPRESSION:\r\n 1. Normal.\r\n';
  const report = parseReport(text);
  assert.deepEqual(
    report.sections.map((s) => s.name),
    ['INDICATION', 'FINDINGS', 'IMPRESSION'],
  );
  for (const s of [...report.sections, ...report.sentences]) assert.equal(text.slice(s.start, s.end), s.text);
  assert.deepEqual(
    report.sentences.map((s) => [s.section, s.text]),
    [
      [null, 'FINAL REPORT'],
      ['INDICATION', 'cough'],
      ['FINDINGS', 'Clear lungs.'],
      ['FINDINGS', 'No effusion.'],
      ['IMPRESSION', 'Normal.'],
    ],
  );
});

test('a report without headings is all preamble', () => {
  const report = parseReport('A 65-year-old man with fever. Chest radiographs showed an infiltrate');
  assert.deepEqual(report.sections, []);
  assert.deepEqual(
    report.sentences.map((s) => s.text),
    ['A 65-year-old man with fever.', 'Chest radiographs showed an infiltrate'],
  );
  assert.deepEqual(parseReport('   '), { sections: [], sentences: [] });
});
