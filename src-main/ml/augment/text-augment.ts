/**
 * The paper's text augmentation t_u (CONVIRT.md step 2): one sentence drawn
 * uniformly from the Findings and Impression sections, among sentences of at
 * least 3 tokens; the whole text when no such section (or sentence) exists.
 */
import type { Rng } from './rng';

export interface ReportSection {
  name: string;
  text: string;
}

export const MIN_SENTENCE_TOKENS = 3;
const SAMPLED_SECTIONS = new Set(['FINDINGS', 'IMPRESSION']);

/** Splits on sentence ends (. ! ? followed by space or end) and on line breaks. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\r?\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Word tokens: runs of letters or digits. */
export function countTokens(sentence: string): number {
  return sentence.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

/** The sentences the sampler chooses from; empty means "use the whole text". */
export function candidateSentences(sections: readonly ReportSection[]): string[] {
  return sections
    .filter((s) => SAMPLED_SECTIONS.has(s.name.toUpperCase()))
    .flatMap((s) => splitSentences(s.text))
    .filter((s) => countTokens(s) >= MIN_SENTENCE_TOKENS);
}

export type TextSampling = 'sentence' | 'report' | 'mixed';

/**
 * One augmented text view of a report: a sentence ('sentence', the paper), or
 * Findings + Impression whole ('report'), or either with even odds ('mixed':
 * whole reports pair strongly with their image, single sentences teach the
 * encoder the short phrases people search with); the whole text when neither exists.
 */
export function sampleReportText(rng: Rng, text: string, sections: readonly ReportSection[], mode: TextSampling = 'sentence'): string {
  const wholeText = text.trim();
  if (mode === 'mixed') return sampleReportText(rng, text, sections, rng.next() < 0.5 ? 'report' : 'sentence');
  if (mode === 'report') {
    const sampled = sections.filter((s) => SAMPLED_SECTIONS.has(s.name.toUpperCase())).map((s) => s.text.trim());
    return sampled.length > 0 ? sampled.join(' ') : wholeText;
  }
  const sentences = candidateSentences(sections);
  if (sentences.length === 0) return wholeText;
  return sentences[rng.int(sentences.length)]!;
}
