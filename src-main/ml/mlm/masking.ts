/**
 * BERT's masked-language-model inputs with whole-word masking (Google's
 * create_pretraining_data.py, do_whole_word_mask): words, not WordPiece
 * pieces, are chosen until about `rate` of the tokens are covered; every piece
 * of a chosen word is predicted, and each predicted piece is replaced by
 * [MASK] with probability 0.8, by a random token with 0.1, and kept with 0.1.
 * Pure functions of their inputs and a seeded Rng.
 */
import type { Rng } from '../augment/rng';

/** Label of a position that is not predicted (PyTorch's ignore_index is -100; any negative works here). */
export const NOT_PREDICTED = -1;
export const MASK_PROBABILITY = 0.8;
export const RANDOM_PROBABILITY = 0.1;

export interface MaskingVocab {
  maskId: number;
  vocabSize: number;
  /** Never drawn as a random replacement ([PAD], [CLS], [SEP], [MASK], [UNK], ...). */
  specialIds: ReadonlySet<number>;
}

export interface MaskedSequence {
  /** The tokens with the chosen ones replaced. */
  input: number[];
  /** The original token at predicted positions, NOT_PREDICTED elsewhere. */
  labels: number[];
}

/** Token positions of each whole word: a word starts at a token that does not continue the previous one ("##" pieces do). */
export function wordGroups(continuation: readonly boolean[]): number[][] {
  const groups: number[][] = [];
  continuation.forEach((continues, i) => {
    if (continues && groups.length > 0) groups.at(-1)!.push(i);
    else groups.push([i]);
  });
  return groups;
}

/** How many tokens of a sequence of `length` are predicted: round(rate * length), at least one. */
export function tokensToPredict(length: number, rate: number): number {
  return length === 0 ? 0 : Math.max(1, Math.round(length * rate));
}

function randomToken(rng: Rng, vocab: MaskingVocab): number {
  for (;;) {
    const id = rng.int(vocab.vocabSize);
    if (!vocab.specialIds.has(id)) return id;
  }
}

/**
 * Masks whole words of `tokens` (no [CLS] / [SEP]; `continuation[i]` says
 * token i is a "##" piece of the word before it). Words are visited in random
 * order; a word that would overshoot the target is skipped, as in BERT.
 */
export function wholeWordMask(tokens: readonly number[], continuation: readonly boolean[], rng: Rng, vocab: MaskingVocab, rate: number): MaskedSequence {
  if (tokens.length !== continuation.length) throw new Error(`wholeWordMask: ${tokens.length} tokens but ${continuation.length} continuation flags`);
  const input = tokens.slice();
  const labels = tokens.map(() => NOT_PREDICTED);
  const target = tokensToPredict(tokens.length, rate);
  const predict = (word: number[]) => {
    for (const i of word) {
      labels[i] = tokens[i]!;
      const draw = rng.next();
      if (draw < MASK_PROBABILITY) input[i] = vocab.maskId;
      else if (draw < MASK_PROBABILITY + RANDOM_PROBABILITY) input[i] = randomToken(rng, vocab);
    }
  };
  const words = rng.shuffle(wordGroups(continuation));
  let predicted = 0;
  for (const word of words) {
    if (predicted >= target) break;
    if (predicted + word.length > target) continue;
    predict(word);
    predicted += word.length;
  }
  // A short text of long words can skip them all: predict one whole word rather than nothing.
  if (predicted === 0 && words.length > 0) predict(words[0]!);
  return { input, labels };
}

/**
 * Cuts one text's tokens into segments of at most `maxLength` tokens, at word
 * starts (a word longer than a segment is cut inside), so long reports are
 * used whole rather than truncated.
 */
export function segmentTokens(tokens: readonly number[], continuation: readonly boolean[], maxLength: number): { tokens: number[]; continuation: boolean[] }[] {
  const segments: { tokens: number[]; continuation: boolean[] }[] = [];
  let start = 0;
  while (start < tokens.length) {
    let end = Math.min(tokens.length, start + maxLength);
    if (end < tokens.length) {
      let cut = end;
      while (cut > start && continuation[cut]) cut--;
      if (cut > start) end = cut;
    }
    // A segment never starts with a continuation flag: its first piece begins a word as far as masking goes.
    segments.push({ tokens: tokens.slice(start, end), continuation: continuation.slice(start, end).map((c, i) => i > 0 && c) });
    start = end;
  }
  return segments;
}
