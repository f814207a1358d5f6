/**
 * Sentence splitting for radiology text. A sentence ends at ".", "!" or "?"
 * followed by white space, at a blank line, or before a list item that starts a
 * new line. It does not end after clinical abbreviations ("Dr.", "vs.", "e.g.",
 * "approx.", "No. 3"), inside decimals ("1.5 cm": no space after the point), or
 * after a list number ("1. No effusion. 2. ..." gives two sentences, without
 * their "1." / "2."). "XXXX" (anonymised words) is an ordinary word.
 */
import { trimSpan } from './sections';

/** Never end a sentence, whatever follows. Lower case, without the final point. */
const ALWAYS_ABBREVIATIONS = new Set([
  'dr', 'drs', 'mr', 'mrs', 'ms', 'prof', 'vs', 'v', 'e.g', 'eg', 'i.e', 'ie', 'approx', 'appx', 'cf', 'fig', 'figs', 'st', 'incl', 'esp', 'mt',
]);

/** End a sentence only when an upper-case word follows ("... in the a.m. The heart"). */
const SOFT_ABBREVIATIONS = new Set([
  'etc', 'pt', 'pts', 'hx', 'yr', 'yrs', 'yo', 'y.o', 'mo', 'mos', 'wk', 'wks', 'hr', 'hrs', 'min', 'mins', 'sec', 'max', 'est', 'avg',
  'lat', 'ant', 'post', 'sup', 'inf', 'med', 'bilat', 'resp', 'a.m', 'p.m', 'dept', 'univ', 'jr', 'sr', 'co', 'inc', 'ca',
]);

/** Abbreviations that only precede a number: "No. 3", "Nos. 4-5". */
const NUMBER_ABBREVIATIONS = new Set(['no', 'nos', 'num']);

const LIST_MARKER = /^(?:\(?\d{1,2}[.)]|[-*\u2022])[ \t]+/;
const LINE_LIST_ITEM = /^\n[ \t]*(?:\(?\d{1,2}[.)]|[-*\u2022])[ \t]+\S/;
const BLANK_LINE = /^\n[ \t]*\r?\n/;

type Next = 'end' | 'upper' | 'lower' | 'digit' | 'other';

function classify(ch: string | undefined): Next {
  if (ch === undefined) return 'end';
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{Ll}/u.test(ch)) return 'lower';
  if (/\d/.test(ch)) return 'digit';
  return 'other';
}

/** The word before position `dot`, without leading brackets or quotes. */
function wordBefore(text: string, from: number, dot: number): { word: string; start: number } {
  let start = dot;
  while (start > from && !/\s/.test(text.charAt(start - 1))) start--;
  const raw = text.slice(start, dot);
  const lead = raw.length - raw.replace(/^[("'[]+/, '').length;
  return { word: raw.slice(lead), start: start + lead };
}

function endsSentenceAtPoint(text: string, from: number, sentenceStart: number, dot: number, next: Next): boolean {
  if (next === 'end') return true;
  const { word, start } = wordBefore(text, from, dot);
  const lower = word.toLowerCase();
  // "1. No effusion": the number that opens the sentence is a list marker.
  if (/^\(?\d{1,2}$/.test(word) && start === sentenceStart) return false;
  if (ALWAYS_ABBREVIATIONS.has(lower)) return false;
  if (NUMBER_ABBREVIATIONS.has(lower) && next === 'digit') return false;
  if (SOFT_ABBREVIATIONS.has(lower) || /^(?:[a-z]\.)+[a-z]$/i.test(word)) return next === 'upper';
  return true;
}

/** Where the sentence that contains position `i` ends, or -1 when it goes on. */
function boundaryAt(text: string, from: number, to: number, sentenceStart: number, i: number): number {
  const ch = text.charAt(i);
  if (ch === '\n') {
    const rest = text.slice(i, Math.min(to, i + 16));
    return BLANK_LINE.test(rest) || LINE_LIST_ITEM.test(rest) ? i : -1;
  }
  if (ch !== '.' && ch !== '!' && ch !== '?') return -1;
  let after = i + 1;
  while (after < to && /["')\]]/.test(text.charAt(after))) after++;
  // "effusion.The heart": a missing space after a point between two words.
  if (ch === '.' && after === i + 1 && /\p{Ll}{2}$/u.test(text.slice(Math.max(from, i - 2), i)) && /^\p{Lu}\p{Ll}/u.test(text.slice(i + 1, i + 3))) {
    return i + 1;
  }
  if (after < to && !/\s/.test(text.charAt(after))) return -1;
  let q = after;
  while (q < to && /\s/.test(text.charAt(q))) q++;
  const next = classify(q < to ? text.charAt(q) : undefined);
  if (ch === '.') return endsSentenceAtPoint(text, from, sentenceStart, i, next) ? after : -1;
  return next === 'lower' || text.charAt(q) === '(' ? -1 : after;
}

/** Sentence spans [start, end) inside text.slice(from, to), trimmed and without list markers. */
export function splitSentences(text: string, from = 0, to = text.length): [number, number][] {
  const spans: [number, number][] = [];
  const push = (a: number, b: number): void => {
    let [start, end] = trimSpan(text, a, b);
    const marker = LIST_MARKER.exec(text.slice(start, end));
    if (marker) [start, end] = trimSpan(text, start + marker[0].length, end);
    if (/[\p{L}\p{N}]/u.test(text.slice(start, end))) spans.push([start, end]);
  };
  let sentenceStart = trimSpan(text, from, to)[0];
  for (let i = sentenceStart; i < to; i++) {
    const end = boundaryAt(text, from, to, sentenceStart, i);
    if (end < 0) continue;
    push(sentenceStart, end);
    sentenceStart = trimSpan(text, end, to)[0];
    i = Math.max(i, sentenceStart - 1);
  }
  if (sentenceStart < to) push(sentenceStart, to);
  return spans;
}
