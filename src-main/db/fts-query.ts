/**
 * What a person types into the report search, as an FTS5 query: every word
 * becomes a quoted prefix term ("pneumo" finds pneumothorax), all must occur.
 * Quoting keeps FTS5 syntax (AND, NEAR, column filters, stray quotes) out of
 * user input. Null when there is no word to look for. Pure.
 */
const MAX_TERMS = 16;

export function reportFtsQuery(text: string): string | null {
  const words = text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, MAX_TERMS)
    .map((w) => `"${w}"*`)
    .join(' ');
}
