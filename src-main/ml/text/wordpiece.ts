/**
 * WordPiece tokenizer reading a standard BERT vocab.txt (one token per line,
 * id = line number): basic pre-tokenisation, then greedy longest-match-first
 * pieces, continuation pieces prefixed "##"; a word with no split, or longer
 * than 100 characters, becomes [UNK]. Encoding adds [CLS] ... [SEP] and pads
 * with [PAD] to a fixed length.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../../src-shared/result';
import { basicTokenize } from './basic-tokenizer';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const MAX_WORD_CHARS = 100;

export interface EncodedBatch {
  /** [batch, length] row-major token ids. */
  ids: Int32Array;
  /** [batch, length] 1 for tokens ([CLS] and [SEP] included), 0 for padding. */
  mask: Int32Array;
  batch: number;
  length: number;
}

export class WordPieceTokenizer {
  readonly ids = new Map<string, number>();
  readonly pad: number;
  readonly unk: number;
  readonly cls: number;
  readonly sep: number;
  private readonly specials: ReadonlySet<string>;

  constructor(
    readonly vocab: readonly string[],
    readonly options: { lowercase?: boolean; source?: string } = {},
  ) {
    vocab.forEach((token, id) => {
      if (!this.ids.has(token)) this.ids.set(token, id);
    });
    const need = (token: string): number => {
      const id = this.ids.get(token);
      if (id === undefined) throw new AppError('bad_request', `vocabulary ${options.source ?? ''} has no ${token} token`.replace('  ', ' '));
      return id;
    };
    this.pad = need('[PAD]');
    this.unk = need('[UNK]');
    this.cls = need('[CLS]');
    this.sep = need('[SEP]');
    need('[MASK]');
    this.specials = new Set(SPECIAL_TOKENS);
  }

  static fromVocabFile(path: string, options: { lowercase?: boolean } = {}): WordPieceTokenizer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new AppError('not_found', `cannot read vocabulary ${path}: ${(error as Error).message}`);
    }
    // Tokens keep inner spaces; only the line break (and a CR before it) ends a token.
    const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    if (lines[lines.length - 1] === '') lines.pop();
    return new WordPieceTokenizer(lines, { ...options, source: path });
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Pieces of one pre-tokenised word. */
  wordPieces(word: string): string[] {
    const chars = [...word];
    if (chars.length > MAX_WORD_CHARS) return ['[UNK]'];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | null = null;
      while (start < end) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        if (this.ids.has(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found === null) return ['[UNK]'];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  tokenize(text: string): string[] {
    return basicTokenize(text, { lowercase: this.options.lowercase ?? true, neverSplit: this.specials }).flatMap((w) =>
      this.specials.has(w) ? [w] : this.wordPieces(w),
    );
  }

  /** Token ids without [CLS]/[SEP]. */
  tokenIds(text: string): number[] {
    return this.tokenize(text).map((t) => this.ids.get(t) ?? this.unk);
  }

  /** [CLS] tokens [SEP], truncated to `length` and padded with [PAD]. */
  encodeBatch(texts: readonly string[], length: number): EncodedBatch {
    if (length < 2) throw new AppError('bad_request', `sequence length ${length} leaves no room for [CLS] and [SEP]`);
    const ids = new Int32Array(texts.length * length).fill(this.pad);
    const mask = new Int32Array(texts.length * length);
    texts.forEach((text, row) => {
      const body = this.tokenIds(text).slice(0, length - 2);
      const tokens = [this.cls, ...body, this.sep];
      ids.set(tokens, row * length);
      mask.fill(1, row * length, row * length + tokens.length);
    });
    return { ids, mask, batch: texts.length, length };
  }
}
