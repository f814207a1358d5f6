/**
 * The tokenizer of a training run and the vocab.txt saved with its
 * checkpoints: the config's vocabulary file (pretrained BERT), else the
 * resumed run's own, else a WordPiece vocabulary learnt from the library's
 * reports and any MLM warm-up corpus (a text encoder trained from scratch).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readReportCorpus } from '../mlm/corpus';
import { buildWordPieceVocab } from '../text/vocab-builder';
import { WordPieceTokenizer } from '../text/wordpiece';
import type { TrainConfig } from './config';

export const VOCAB_FILE = 'vocab.txt';

export interface RunTokenizer {
  tokenizer: WordPieceTokenizer;
  /** The vocab.txt text to keep beside every checkpoint. */
  vocabText: string;
}

function fromText(text: string, lowercase: boolean, source: string): RunTokenizer {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return { tokenizer: new WordPieceTokenizer(lines, { lowercase, source }), vocabText: `${lines.join('\n')}\n` };
}

export function runTokenizer(config: TrainConfig, options: { resumeCheckpoint: string | null; reportTexts: () => Iterable<string> }): RunTokenizer {
  const lowercase = config.text.lowercase;
  const saved = options.resumeCheckpoint ? join(options.resumeCheckpoint, VOCAB_FILE) : null;
  if (saved && existsSync(saved)) return fromText(readFileSync(saved, 'utf8'), lowercase, saved);
  if (config.text.vocab) return fromText(readFileSync(config.text.vocab, 'utf8'), lowercase, config.text.vocab);
  // The MLM warm-up's extra corpus is text the encoder will read: its words belong in the vocabulary too.
  const corpus = config.text.mlmWarmup?.corpus ? readReportCorpus(config.text.mlmWarmup.corpus) : [];
  const vocab = buildWordPieceVocab([...options.reportTexts(), ...corpus], { vocabSize: config.text.vocabSize, lowercase });
  return { tokenizer: new WordPieceTokenizer(vocab, { lowercase }), vocabText: `${vocab.join('\n')}\n` };
}
