/**
 * parseReport on adversarial text: random mixes of headings, punctuation,
 * abbreviations, list markers and white space never throw, and always give
 * ordered, non-overlapping spans that equal the raw text at their offsets.
 * Long runs that could make the patterns backtrack stay fast.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReport } from '../../../src-main/ingest/reports/index';
import { mulberry32 } from '../../../src-shared/random';

/** Seeded, so a failure can be replayed. */
const random = mulberry32;

const PIECES = [
  'FINDINGS:', 'Impression', 'IMPRESSION -', 'clinical history:', 'WET READ:', 'Comparison \u2014', 'CONCLUSION', 'TECHNIQUE:-',
  'Dr.', 'vs.', 'e.g.', 'i.e.', 'approx.', 'No.', '1.', '2)', '(3)', '-', '*', '\u2022', '1.5', 'cm.', 'XXXX.', 'XXXX', 'x-XXXX.',
  'The', 'lungs', 'are', 'clear', 'effusion.The', '?', '!', '.', ':', ';', '"', ')', '(', 'é', '\u00a0', '',
  ' ', ' ', ' ', '  ', '\n', '\n\n', '\r\n', '\t', '\n 1. ', '\n- ',
];

function checkInvariants(text: string): void {
  const report = parseReport(text);
  let previous = 0;
  for (const s of report.sections) {
    assert.equal(text.slice(s.start, s.end), s.text);
    assert.ok(s.start >= previous && s.end >= s.start, 'sections in order, not overlapping');
    previous = s.end;
  }
  previous = 0;
  for (const s of report.sentences) {
    assert.equal(text.slice(s.start, s.end), s.text);
    assert.ok(s.start >= previous && s.end > s.start, 'sentences in order, not overlapping, not empty');
    assert.equal(s.text, s.text.trim());
    if (s.section !== null) {
      const inside = report.sections.some((sec) => sec.name === s.section && s.start >= sec.start && s.end <= sec.end);
      assert.ok(inside, 'a sentence lies inside its section');
    }
    previous = s.end;
  }
}

test('random report-like text keeps every invariant', () => {
  const next = random(20261128);
  for (let doc = 0; doc < 2000; doc++) {
    const length = Math.floor(next() * 120);
    const parts: string[] = [];
    for (let i = 0; i < length; i++) parts.push(PIECES[Math.floor(next() * PIECES.length)] ?? '');
    const text = parts.join(next() < 0.5 ? ' ' : '');
    try {
      checkInvariants(text);
    } catch (cause) {
      assert.fail(`document ${doc} ${JSON.stringify(text)}: ${(cause as Error).message}`);
    }
  }
});

test('long runs of spaces, points, capitals and newlines parse in linear time', () => {
  for (const run of [' ', '.', '. ', 'A', 'FINDINGS ', '\n', ' \n', 'XXXX. ', '1. ']) {
    const text = `FINDINGS: x${run.repeat(200_000 / run.length)}IMPRESSION: y.`;
    const started = performance.now();
    checkInvariants(text);
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `${JSON.stringify(run)} x ${200_000 / run.length}: ${ms.toFixed(0)} ms`);
  }
});
