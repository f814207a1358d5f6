/** Learning a WordPiece vocabulary from report text, then tokenising with it. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildWordPieceVocab } from '../../../src-main/ml/text/vocab-builder';
import { writeVocabFile } from '../../../src-main/ml/text/vocab-file';
import { WordPieceTokenizer } from '../../../src-main/ml/text/wordpiece';
import { tempDir } from '../../helpers/temp';

const REPORTS = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'iu-xray-reports', 'indiana_reports.csv');

describe('WordPiece vocabulary builder', () => {
  it('starts with the special tokens and the alphabet, then merges the most frequent pairs', () => {
    const vocab = buildWordPieceVocab(['lung lung lung lungs', 'clear clear lung'], { vocabSize: 30, minFrequency: 2 });
    assert.deepEqual(vocab.slice(0, 5), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    assert.ok(vocab.includes('l') && vocab.includes('##u') && vocab.includes('##s'));
    assert.ok(vocab.includes('lung'), 'a word seen 5 times is merged whole');
    assert.ok(vocab.includes('clear'), 'a word seen twice reaches minFrequency');
    assert.ok(!vocab.includes('lungs'), 'a word seen once is not');
    assert.equal(new Set(vocab).size, vocab.length);
  });

  it('is deterministic and respects the size limit', () => {
    const texts = ['no acute cardiopulmonary abnormality', 'heart size normal', 'no pleural effusion or pneumothorax', 'normal heart'];
    const a = buildWordPieceVocab(texts, { vocabSize: 40 });
    assert.deepEqual(buildWordPieceVocab([...texts], { vocabSize: 40 }), a);
    assert.ok(a.length <= 40);
  });

  it('learns from real reports a vocabulary that tokenises them without [UNK] and round-trips through vocab.txt', (t) => {
    if (!existsSync(REPORTS)) return t.skip(`real reports not found at ${REPORTS} (../shared/data is absent)`);
    const rows = readFileSync(REPORTS, 'utf8').split('\n').slice(1, 1501);
    const started = Date.now();
    const vocab = buildWordPieceVocab(rows, { vocabSize: 3000 });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(vocab.length, 3000);
    assert.ok(seconds < 20, `building took ${seconds} s`);
    const path = join(tempDir(), 'vocab.txt');
    writeVocabFile(path, vocab);
    const tokenizer = WordPieceTokenizer.fromVocabFile(path);
    const tokens = rows.slice(0, 200).flatMap((r) => tokenizer.tokenize(r));
    assert.ok(tokens.length > 1000);
    assert.equal(tokens.filter((t) => t === '[UNK]').length, 0);
    assert.ok(tokenizer.tokenize('The lungs are clear.').length <= 6, 'frequent report words are whole tokens');
  });
});
