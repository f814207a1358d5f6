/**
 * The tokenizer a training run uses, and the vocabulary file saved with its
 * checkpoints. Until the engine's WordPiece tokenizer (ml/text) is wired in,
 * a run trained from scratch uses a word-level vocabulary built from the
 * library's own reports: the most frequent lower-cased words, ties broken
 * alphabetically, after the BERT special tokens. Format: one token a line,
 * as a BERT vocab.txt, so the id of a token is its line number.
 */
import { AppError } from '../../../src-shared/result';
import type { BatchTokenizer } from './trainer';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const PAD = 0;
const UNK = 1;
const CLS = 2;
const SEP = 3;

function words(text: string, lowercase: boolean): string[] {
  return (lowercase ? text.toLowerCase() : text).match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** vocab.txt text: special tokens, then up to vocabSize - 5 words by frequency. */
export function buildWordVocab(texts: readonly string[], vocabSize: number, lowercase = true): string {
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of words(text, lowercase)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([w]) => w);
  return `${[...SPECIAL_TOKENS, ...ranked.slice(0, Math.max(0, vocabSize - SPECIAL_TOKENS.length))].join('\n')}\n`;
}

export function wordTokenizer(vocabText: string, lowercase = true): BatchTokenizer & { vocabSize: number } {
  const tokens = vocabText.split('\n').filter((t) => t.length > 0);
  SPECIAL_TOKENS.slice(0, 4).forEach((t, i) => {
    if (tokens[i] !== t) throw new AppError('bad_request', `vocabulary line ${i + 1} must be ${t}, found ${tokens[i] ?? 'nothing'}`);
  });
  const ids = new Map(tokens.map((t, i) => [t, i]));
  return {
    vocabSize: tokens.length,
    encodeBatch(texts, maxTokens) {
      const out = { ids: new Int32Array(texts.length * maxTokens).fill(PAD), mask: new Int32Array(texts.length * maxTokens) };
      texts.forEach((text, row) => {
        const body = words(text, lowercase)
          .slice(0, maxTokens - 2)
          .map((w) => ids.get(w) ?? UNK);
        [CLS, ...body, SEP].forEach((id, k) => {
          out.ids[row * maxTokens + k] = id;
          out.mask[row * maxTokens + k] = 1;
        });
      });
      return out;
    },
  };
}
