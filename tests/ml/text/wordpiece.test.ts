/**
 * WordPiece tokenisation with BERT's rules (Hugging Face BertTokenizer, uncased):
 * cases worked out by hand from its reference implementation.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '../../../src-shared/result';
import { basicTokenize } from '../../../src-main/ml/text/basic-tokenizer';
import { WordPieceTokenizer } from '../../../src-main/ml/text/wordpiece';
import { tempDir } from '../../helpers/temp';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able', 'the', 'lung', '##s', 'are', 'clear', '.', ',', '-', 'x', 'ray', 'no', 'effusion', 'cafe', '中', 'a', '##b', 'ab'];

describe('basic pre-tokenisation', () => {
  it('lowercases, strips accents, splits punctuation and CJK, drops control characters', () => {
    assert.deepEqual(basicTokenize('  Héllo,WORLD!\u0007 x-ray\tcafé 中文  '), ['hello', ',', 'world', '!', 'x', '-', 'ray', 'cafe', '中', '文']);
  });
  it('treats ASCII symbols like $ and ^ as punctuation, as BERT does', () => {
    assert.deepEqual(basicTokenize('a$b^c'), ['a', '$', 'b', '^', 'c']);
  });
  it('keeps case when asked', () => {
    assert.deepEqual(basicTokenize('The Lungs', { lowercase: false }), ['The', 'Lungs']);
  });
});

describe('WordPiece tokenizer', () => {
  const dir = tempDir();
  const vocabPath = join(dir, 'vocab.txt');
  writeFileSync(vocabPath, VOCAB.join('\r\n') + '\r\n');
  const tokenizer = WordPieceTokenizer.fromVocabFile(vocabPath);

  it('reads ids from line numbers of a standard vocab.txt', () => {
    assert.equal(tokenizer.vocabSize, VOCAB.length);
    assert.deepEqual([tokenizer.pad, tokenizer.unk, tokenizer.cls, tokenizer.sep], [0, 1, 2, 3]);
  });

  it('splits greedily, longest match first, with ## continuations', () => {
    assert.deepEqual(tokenizer.tokenize('UNAFFABLE lungs'), ['un', '##aff', '##able', 'lung', '##s']);
    assert.deepEqual(tokenizer.tokenize('abb'), ['ab', '##b']);
  });

  it('maps a word with no split to a single [UNK]', () => {
    assert.deepEqual(tokenizer.tokenize('the pneumothorax, no effusion.'), ['the', '[UNK]', ',', 'no', 'effusion', '.']);
    assert.deepEqual(tokenizer.tokenize('a'.repeat(101)), ['[UNK]']);
  });

  it('keeps special tokens whole', () => {
    assert.deepEqual(tokenizer.tokenize('the [MASK] are clear'), ['the', '[MASK]', 'are', 'clear']);
  });

  it('encodes a batch as [CLS] ... [SEP] padded to a fixed length, truncating long texts', () => {
    const batch = tokenizer.encodeBatch(['The lungs are clear.', 'x-ray'], 7);
    assert.deepEqual(Array.from(batch.ids), [2, 8, 9, 10, 11, 12, 3, 2, 16, 15, 17, 3, 0, 0]);
    assert.deepEqual(Array.from(batch.mask), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    assert.deepEqual([batch.batch, batch.length], [2, 7]);
  });

  it('refuses a vocabulary without the special tokens, naming the file', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'the\nlung\n');
    assert.throws(() => WordPieceTokenizer.fromVocabFile(bad), (e: unknown) => e instanceof AppError && e.message.includes(bad) && e.message.includes('[PAD]'));
  });
});
