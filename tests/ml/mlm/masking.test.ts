/**
 * Whole-word masking (BERT's do_whole_word_mask): every piece of a chosen
 * word is predicted and no piece of an unchosen one; about 15% of the tokens
 * are predicted; of those 80% become [MASK], 10% a random non-special token,
 * 10% stay. Checked on many seeded sequences, and on real WordPiece output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../src-main/ml/augment/rng';
import { NOT_PREDICTED, segmentTokens, tokensToPredict, wholeWordMask, wordGroups, type MaskingVocab } from '../../../src-main/ml/mlm/masking';
import { maskingVocab, mlmBatch, mlmSegments } from '../../../src-main/ml/mlm/warmup';
import { buildWordPieceVocab } from '../../../src-main/ml/text/vocab-builder';
import { WordPieceTokenizer } from '../../../src-main/ml/text/wordpiece';

const VOCAB: MaskingVocab = { maskId: 4, vocabSize: 1000, specialIds: new Set([0, 1, 2, 3, 4]) };

/** A sequence of words of 1 to 4 pieces, ids above the specials. */
function randomSequence(rng: Rng, length: number): { tokens: number[]; continuation: boolean[] } {
  const tokens: number[] = [];
  const continuation: boolean[] = [];
  while (tokens.length < length) {
    const pieces = 1 + rng.int(4);
    for (let k = 0; k < pieces && tokens.length < length; k++) {
      tokens.push(5 + rng.int(995));
      continuation.push(k > 0);
    }
  }
  return { tokens, continuation };
}

describe('whole-word masking', () => {
  const rng = new Rng(42);
  const sequences = Array.from({ length: 3000 }, () => randomSequence(rng, 10 + rng.int(50)));
  const masked = sequences.map((s, i) => wholeWordMask(s.tokens, s.continuation, new Rng(1000 + i), VOCAB, 0.15));

  it('groups "##" pieces with the word before them', () => {
    assert.deepEqual(wordGroups([false, true, true, false, false, true]), [[0, 1, 2], [3], [4, 5]]);
    assert.deepEqual(wordGroups([true, false]), [[0], [1]], 'a leading piece starts a word');
  });

  it('predicts whole words only and leaves every other token as it was', () => {
    sequences.forEach((s, i) => {
      const { input, labels } = masked[i]!;
      for (const word of wordGroups(s.continuation)) {
        const chosen = word.map((p) => labels[p] !== NOT_PREDICTED);
        assert.ok(chosen.every((c) => c === chosen[0]), `sequence ${i}: word at ${word[0]} partly masked`);
      }
      labels.forEach((label, p) => {
        if (label === NOT_PREDICTED) assert.equal(input[p], s.tokens[p]);
        else assert.equal(label, s.tokens[p]);
      });
    });
  });

  it('predicts about 15% of the tokens: never more than round(0.15 n) unless one word is longer, at least one', () => {
    let predicted = 0;
    let total = 0;
    sequences.forEach((s, i) => {
      const count = masked[i]!.labels.filter((l) => l !== NOT_PREDICTED).length;
      const words = wordGroups(s.continuation).filter((w) => masked[i]!.labels[w[0]!] !== NOT_PREDICTED).length;
      assert.ok(count >= 1 && (count <= tokensToPredict(s.tokens.length, 0.15) || words === 1), `sequence ${i}: ${count} of ${s.tokens.length}`);
      predicted += count;
      total += s.tokens.length;
    });
    // Skipped words that would overshoot leave a sequence slightly short of its target.
    const rate = predicted / total;
    assert.ok(Math.abs(rate - 0.15) < 0.01, `rate ${rate}`);
  });

  it('replaces 80% of the predicted tokens by [MASK], 10% by a random non-special token, keeps 10%', () => {
    let mask = 0;
    let kept = 0;
    let random = 0;
    sequences.forEach((s, i) => {
      const { input, labels } = masked[i]!;
      labels.forEach((label, p) => {
        if (label === NOT_PREDICTED) return;
        if (input[p] === VOCAB.maskId) mask += 1;
        else if (input[p] === label) kept += 1;
        else {
          random += 1;
          assert.ok(!VOCAB.specialIds.has(input[p]!), 'a random replacement is never a special token');
        }
      });
    });
    const all = mask + kept + random;
    assert.ok(all > 10_000, `${all} predicted tokens`);
    assert.ok(Math.abs(mask / all - 0.8) < 0.015, `[MASK] ${mask / all}`);
    assert.ok(Math.abs(kept / all - 0.1) < 0.01, `kept ${kept / all}`);
    assert.ok(Math.abs(random / all - 0.1) < 0.01, `random ${random / all}`);
  });

  it('is a pure function of its inputs and seed', () => {
    const s = sequences[0]!;
    assert.deepEqual(wholeWordMask(s.tokens, s.continuation, new Rng(1000), VOCAB, 0.15), masked[0]);
    assert.notDeepEqual(wholeWordMask(s.tokens, s.continuation, new Rng(1001), VOCAB, 0.15), masked[0]);
  });

  it('segments long texts at word starts and keeps every token', () => {
    const s = randomSequence(new Rng(3), 200);
    const segments = segmentTokens(s.tokens, s.continuation, 30);
    assert.deepEqual(segments.flatMap((g) => g.tokens), s.tokens);
    for (const [k, g] of segments.entries()) {
      assert.ok(g.tokens.length <= 30 && g.tokens.length > 0);
      assert.equal(g.continuation[0], false);
      if (k > 0) assert.equal(s.continuation[segments.slice(0, k).reduce((a, x) => a + x.tokens.length, 0)], false, `segment ${k} starts inside a word`);
    }
  });

  it('on real WordPiece output: [CLS] and [SEP] are never predicted, and positions point at the labelled tokens', () => {
    const texts = ['The cardiomediastinal silhouette is unremarkable.', 'Small bilateral pleural effusions with bibasilar atelectasis.', 'No pneumothorax.'];
    const tokenizer = new WordPieceTokenizer(buildWordPieceVocab(texts, { vocabSize: 60, lowercase: true }));
    const segments = mlmSegments(tokenizer, texts, 16);
    assert.ok(segments.some((g) => g.continuation.includes(true)), 'a 60-entry vocabulary splits words into pieces');
    const vocab = maskingVocab(tokenizer);
    assert.ok(vocab.specialIds.has(tokenizer.cls) && vocab.specialIds.has(vocab.maskId));
    const batch = mlmBatch(segments, tokenizer, vocab, 0.15, new Rng(5));
    assert.equal(batch.positions.length, batch.labels.length);
    batch.positions.forEach((p, k) => {
      const column = p % batch.t;
      const row = Math.floor(p / batch.t);
      assert.ok(column >= 1 && column <= segments[row]!.tokens.length, 'inside the segment, not [CLS] / [SEP] / padding');
      assert.equal(batch.labels[k], segments[row]!.tokens[column - 1]);
    });
  });
});
