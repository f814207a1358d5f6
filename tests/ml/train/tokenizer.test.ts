import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildWordVocab, wordTokenizer } from '../../../src-main/ml/train/tokenizer';

describe('word-level vocabulary from reports', () => {
  const vocab = buildWordVocab(['No effusion. No pneumothorax.', 'Small effusion.'], 9);

  it('puts the special tokens first, then words by frequency, ties alphabetical, capped at the size', () => {
    assert.equal(vocab, '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n.\neffusion\nno\npneumothorax\n');
  });

  it('encodes [CLS] words [SEP] with padding and a mask; unknown words are [UNK]', () => {
    const tokenizer = wordTokenizer(vocab);
    const { ids, mask } = tokenizer.encodeBatch(['No effusion', 'Large effusion seen here.'], 5);
    assert.deepEqual([...ids], [2, 7, 6, 3, 0, 2, 1, 6, 1, 3]);
    assert.deepEqual([...mask], [1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
    assert.equal(tokenizer.vocabSize, 9);
  });

  it('rejects a vocabulary without the special tokens', () => {
    assert.throws(() => wordTokenizer('hello\nworld\n'), /line 1 must be \[PAD\]/);
  });
});
