/**
 * BERT's "basic" pre-tokenisation (Hugging Face BasicTokenizer, uncased):
 * drop control characters, turn every whitespace into a space, put spaces
 * around CJK ideographs, lowercase and strip accents (NFD, drop combining
 * marks), then split on whitespace and make each punctuation character its
 * own token. Special tokens such as [CLS] pass through whole.
 */

const CONTROL = /\p{C}/u;
const WHITESPACE = /[\t\n\r\p{Zs}]/u;
const COMBINING_MARK = /\p{Mn}/gu;
const PUNCTUATION = /\p{P}/u;

function isPunctuation(char: string): boolean {
  const cp = char.codePointAt(0)!;
  // BERT counts every non-alphanumeric ASCII symbol ($, +, ^, `) as punctuation.
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCTUATION.test(char);
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function clean(text: string): string {
  let out = '';
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (WHITESPACE.test(char)) out += ' ';
    else if (cp === 0 || cp === 0xfffd || CONTROL.test(char)) continue;
    else if (isCjk(cp)) out += ` ${char} `;
    else out += char;
  }
  return out;
}

function splitPunctuation(token: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (const char of token) {
    if (isPunctuation(char)) {
      if (current) parts.push(current);
      parts.push(char);
      current = '';
    } else {
      current += char;
    }
  }
  if (current) parts.push(current);
  return parts;
}

export function basicTokenize(text: string, options: { lowercase?: boolean; neverSplit?: ReadonlySet<string> } = {}): string[] {
  const lowercase = options.lowercase ?? true;
  const tokens: string[] = [];
  for (const word of clean(text).split(' ')) {
    if (!word) continue;
    if (options.neverSplit?.has(word)) {
      tokens.push(word);
      continue;
    }
    const normalised = lowercase ? word.toLowerCase().normalize('NFD').replace(COMBINING_MARK, '') : word;
    tokens.push(...splitPunctuation(normalised));
  }
  return tokens;
}
