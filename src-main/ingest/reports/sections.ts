/**
 * Finds section headings in a report and cuts the text into sections. Offsets
 * are UTF-16 indices into the text (what String.prototype.slice takes).
 *
 * A heading is recognised in three forms:
 * - at the start of a line, any case: "Findings:", "FINDINGS -", "IMPRESSION" alone on its line;
 * - inside a line, upper case with a colon, after a sentence end or a wide gap:
 *   "... no effusion.  IMPRESSION: Normal." (reports flattened into one line);
 * - an unknown upper-case heading with a colon at the start of a line ("WET READ:"),
 *   kept under its own name so that its text does not run into the section before.
 */
import { HEADING_ALTERNATIVES, canonicalSection } from './headings';

export interface SectionSpan {
  /** Canonical name (FINDINGS, IMPRESSION, ...) or the unknown heading in upper case. */
  name: string;
  /** Where the heading starts. */
  headingStart: number;
  /** The section's text, trimmed: text.slice(start, end). */
  start: number;
  end: number;
}

interface Heading {
  name: string;
  start: number;
  bodyStart: number;
}

const SEPARATOR = String.raw`[ \t]*(?::[ \t]*-*|-{1,3}(?=[ \t])|[\u2013\u2014])`;
const LINE_START_HEADING = new RegExp(String.raw`^([ \t]*)(${HEADING_ALTERNATIVES})(?:${SEPARATOR}|[ \t]*(?=\r?\n|$))`, 'gim');
// The look-behind keeps long runs of spaces linear: a match may only start where the run starts.
const INLINE_HEADING = new RegExp(String.raw`(?:[.!?;][ \t]+|(?<![ \t])[ \t]{2,})(${HEADING_ALTERNATIVES})[ \t]*:`, 'gi');
const UNKNOWN_HEADING = /^([ \t]*)([A-Z][A-Z /&()-]{1,38}[A-Z)])[ \t]*:/gm;

function findHeadings(text: string): Heading[] {
  const found: Heading[] = [];
  for (const m of text.matchAll(LINE_START_HEADING)) {
    const [whole, indent = '', word = ''] = m;
    found.push({ name: canonicalSection(word) ?? word.toUpperCase(), start: m.index + indent.length, bodyStart: m.index + whole.length });
  }
  for (const m of text.matchAll(INLINE_HEADING)) {
    const [whole, word = ''] = m;
    if (word !== word.toUpperCase()) continue;
    found.push({ name: canonicalSection(word) ?? word, start: m.index + whole.indexOf(word), bodyStart: m.index + whole.length });
  }
  for (const m of text.matchAll(UNKNOWN_HEADING)) {
    const [whole, indent = '', heading = ''] = m;
    const name = heading.replace(/\s+/g, ' ').trim();
    found.push({ name: canonicalSection(name) ?? name, start: m.index + indent.length, bodyStart: m.index + whole.length });
  }
  found.sort((a, b) => a.start - b.start || b.bodyStart - a.bodyStart);
  const headings: Heading[] = [];
  for (const h of found) {
    const last = headings[headings.length - 1];
    if (!last || h.start >= last.bodyStart) headings.push(h);
  }
  return headings;
}

/** [start, end) of text.slice(from, to) without surrounding white space. */
export function trimSpan(text: string, from: number, to: number): [number, number] {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text.charAt(start))) start++;
  while (end > start && /\s/.test(text.charAt(end - 1))) end--;
  return [start, end];
}

/**
 * The report's sections in order. Text before the first heading is not a
 * section; `preamble` gives its span (empty when the report starts with a heading).
 */
export function findSections(text: string): { sections: SectionSpan[]; preamble: [number, number] } {
  const headings = findHeadings(text);
  const sections = headings.map((h, i) => {
    const [start, end] = trimSpan(text, h.bodyStart, headings[i + 1]?.start ?? text.length);
    return { name: h.name, headingStart: h.start, start, end };
  });
  return { sections, preamble: trimSpan(text, 0, headings[0]?.start ?? text.length) };
}
