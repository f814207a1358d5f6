/**
 * Learns a WordPiece vocabulary from the library's own report text, for a text
 * encoder trained from scratch. Like Hugging Face's WordPiece trainer: words
 * come from BERT's basic pre-tokenisation and start as characters (continuations
 * marked "##"); the most frequent adjacent pair is merged, again and again,
 * until the vocabulary is full or no pair occurs `minFrequency` times. Pair
 * counts are updated incrementally (only words holding the merged pair are
 * revisited) and ties break by token text, so the result is deterministic.
 */
import { basicTokenize } from './basic-tokenizer';
import { SPECIAL_TOKENS } from './wordpiece';

export interface VocabOptions {
  vocabSize: number;
  /** A merge must occur at least this often (counting word frequency). */
  minFrequency?: number;
  lowercase?: boolean;
  /** Called after each merge with (vocabulary size so far, target). */
  onProgress?: (done: number, total: number) => void;
}

const SEP = '\u0000';

/** Max-heap of [count, pair] with lazy deletion (stale entries are skipped on pop). */
class PairHeap {
  private readonly items: Array<[number, string]> = [];

  push(count: number, pair: string): void {
    this.items.push([count, pair]);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [this.items[i], this.items[parent]] = [this.items[parent]!, this.items[i]!];
      i = parent;
    }
  }

  pop(): [number, string] | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (this.items.length > 0 && last) {
      this.items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.items.length && this.before(l, best)) best = l;
        if (r < this.items.length && this.before(r, best)) best = r;
        if (best === i) break;
        [this.items[i], this.items[best]] = [this.items[best]!, this.items[i]!];
        i = best;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const [ca, pa] = this.items[a]!;
    const [cb, pb] = this.items[b]!;
    return ca > cb || (ca === cb && pa < pb);
  }
}

function mergedSymbol(left: string, right: string): string {
  return left + right.replace(/^##/, '');
}

export function buildWordPieceVocab(texts: Iterable<string>, options: VocabOptions): string[] {
  const minFrequency = options.minFrequency ?? 2;
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const word of basicTokenize(text, { lowercase: options.lowercase ?? true })) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  }
  const words = [...wordCounts.keys()].sort();
  const freq = words.map((w) => wordCounts.get(w)!);
  const symbols = words.map((w) => [...w].map((c, i) => (i === 0 ? c : `##${c}`)));

  const vocab: string[] = [...SPECIAL_TOKENS];
  const known = new Set<string>(vocab);
  for (const s of [...new Set(symbols.flat())].sort()) {
    known.add(s);
    vocab.push(s);
  }

  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const heap = new PairHeap();
  const addPairs = (w: number, sign: 1 | -1, touched: Set<string>) => {
    const s = symbols[w]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const pair = s[i]! + SEP + s[i + 1]!;
      pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + sign * freq[w]!);
      if (sign > 0) {
        let set = pairWords.get(pair);
        if (!set) pairWords.set(pair, (set = new Set()));
        set.add(w);
      }
      touched.add(pair);
    }
  };
  const initial = new Set<string>();
  words.forEach((_, w) => addPairs(w, 1, initial));
  for (const pair of initial) heap.push(pairCounts.get(pair)!, pair);

  while (vocab.length < options.vocabSize) {
    const top = heap.pop();
    if (!top) break;
    const [count, pair] = top;
    if (pairCounts.get(pair) !== count) continue;
    if (count < minFrequency) break;
    const [left, right] = pair.split(SEP) as [string, string];
    const merged = mergedSymbol(left, right);
    const touched = new Set<string>();
    for (const w of pairWords.get(pair) ?? []) {
      const s = symbols[w]!;
      addPairs(w, -1, touched);
      const next: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === left && s[i + 1] === right) {
          next.push(merged);
          i++;
        } else {
          next.push(s[i]!);
        }
      }
      symbols[w] = next;
      addPairs(w, 1, touched);
    }
    pairWords.delete(pair);
    pairCounts.delete(pair);
    touched.delete(pair);
    for (const p of touched) {
      const c = pairCounts.get(p) ?? 0;
      if (c > 0) heap.push(c, p);
    }
    if (!known.has(merged)) {
      known.add(merged);
      vocab.push(merged);
      options.onProgress?.(vocab.length, options.vocabSize);
    }
  }
  return vocab;
}
