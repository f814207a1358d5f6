/**
 * The rule-based report labeller: per observation, positive, negative,
 * uncertain or blank (not mentioned), with the sentence that decided it.
 * Pure: text in, values out. A sentence's mentions are classified by the cues
 * in their clause (cues.ts); over the report, positive beats uncertain beats
 * negative, as in the CheXpert labeller. "No Finding" is positive when no
 * finding other than support devices is positive or uncertain (CheXpert's
 * rule), and blank otherwise.
 */
import {
  blank,
  CLAUSE_BREAKS,
  CLAUSE_PUNCTUATION,
  firstMatch,
  lastMatch,
  NEGATION_AFTER,
  NEGATION_BEFORE,
  PSEUDO_CUES,
  UNCERTAIN_AFTER,
  UNCERTAIN_BEFORE,
} from './cues';
import { CHEXPERT_RULES, type ObservationRule } from './rules';

export type Finding = 'positive' | 'negative' | 'uncertain';

export interface LabellerSentence {
  text: string;
  /** Offsets into the text the sentence came from. */
  start: number;
  end: number;
}

export interface ObservationResult {
  observation: string;
  /** null: not mentioned (blank). */
  value: Finding | null;
  /** The sentence that decided the value, or null when blank or decided by the No Finding rule alone. */
  sentence: LabellerSentence | null;
  /** The words that decided it: the mention, and the cue when there was one. */
  mention: string | null;
  cue: string | null;
}

interface MentionVerdict {
  value: Finding;
  mention: string;
  cue: string | null;
}

const RANK: Record<Finding, number> = { positive: 3, uncertain: 2, negative: 1 };

/** Start offsets of clause breaks in the (pseudo-cue blanked) sentence, with their ends. */
function clauseBreaks(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const pattern of [CLAUSE_BREAKS, CLAUSE_PUNCTUATION]) {
    for (const m of text.matchAll(pattern)) out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** How one mention at [start, end) of `text` reads in its clause. */
export function classifyMention(text: string, start: number, end: number): MentionVerdict {
  const mention = text.slice(start, end);
  const masked = blank(text, PSEUDO_CUES);
  const breaks = clauseBreaks(masked);
  const clauseStart = Math.max(0, ...breaks.filter((b) => b.end <= start).map((b) => b.start));
  const clauseEnd = Math.min(text.length, ...breaks.filter((b) => b.start >= end).map((b) => b.start));
  const before = masked.slice(clauseStart, start);
  // After the mention, a comma ends the reach too: "opacity, possible pneumonia" hedges only the pneumonia.
  const comma = masked.indexOf(',', end);
  const after = masked.slice(end, comma >= 0 && comma < clauseEnd ? comma : clauseEnd);
  // CheXpert's order: uncertainty before the mention, then negation, then uncertainty after it.
  const uncertainBefore = lastMatch(before, UNCERTAIN_BEFORE);
  if (uncertainBefore) return { value: 'uncertain', mention, cue: uncertainBefore.trim() };
  const negation = lastMatch(before, NEGATION_BEFORE) ?? firstMatch(blank(after, UNCERTAIN_AFTER), NEGATION_AFTER);
  if (negation) return { value: 'negative', mention, cue: negation.trim() };
  const uncertainAfter = firstMatch(after, UNCERTAIN_AFTER);
  if (uncertainAfter) return { value: 'uncertain', mention, cue: uncertainAfter.trim() };
  return { value: 'positive', mention, cue: null };
}

function spans(text: string, pattern: RegExp | null): [number, number][] {
  if (!pattern) return [];
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);
}

const inside = (s: number, e: number, areas: [number, number][]): boolean => areas.some(([a, b]) => s < b && e > a);

/** The verdicts of one observation's mentions in one sentence, strongest first. */
export function sentenceVerdicts(text: string, rule: ObservationRule): MentionVerdict[] {
  const verdicts: MentionVerdict[] = [];
  const excluded = spans(text, rule.exclusions);
  const negatives = spans(text, rule.negativePhrases);
  for (const [s, e] of negatives) verdicts.push({ value: 'negative', mention: text.slice(s, e), cue: text.slice(s, e) });
  for (const [s, e] of spans(text, rule.mentions)) {
    if (inside(s, e, excluded) || inside(s, e, negatives)) continue;
    verdicts.push(classifyMention(text, s, e));
  }
  return verdicts.sort((a, b) => RANK[b.value] - RANK[a.value]);
}

/** One observation over the sentences: positive beats uncertain beats negative; the first sentence with the winning value decides. */
export function labelObservation(sentences: readonly LabellerSentence[], rule: ObservationRule): ObservationResult {
  let best: ObservationResult = { observation: rule.name, value: null, sentence: null, mention: null, cue: null };
  for (const sentence of sentences) {
    const top = sentenceVerdicts(sentence.text, rule)[0];
    if (top && (best.value === null || RANK[top.value] > RANK[best.value])) {
      best = { observation: rule.name, value: top.value, sentence, mention: top.mention, cue: top.cue };
    }
  }
  return best;
}

/** Observations that do not stand in the way of "No Finding" (CheXpert). */
const NO_FINDING_EXEMPT = new Set(['Support Devices']);

const NORMAL_STATEMENT = /\b(?:no (?:acute|active) (?:\w+ ){0,2}(?:abnormalit(?:y|ies)|disease|process|findings?)|normal (?:chest|study|examination|exam)|(?:lungs are|lungs) clear|clear lungs|no (?:radiographic )?evidence of (?:acute )?(?:cardiopulmonary )?disease)\b/i;

/**
 * Labels sentences with the given rules; with `noFinding`, adds the
 * "No Finding" result computed from the others (first in the output, as in
 * CheXpert's column order).
 */
export function labelSentences(sentences: readonly LabellerSentence[], rules: readonly ObservationRule[] = CHEXPERT_RULES, noFinding = true): ObservationResult[] {
  const results = rules.map((rule) => labelObservation(sentences, rule));
  if (!noFinding) return results;
  const abnormal = results.some((r) => !NO_FINDING_EXEMPT.has(r.observation) && (r.value === 'positive' || r.value === 'uncertain'));
  const normal = sentences.find((s) => NORMAL_STATEMENT.test(s.text)) ?? null;
  const value: Finding | null = sentences.length === 0 || abnormal ? null : 'positive';
  const nf: ObservationResult = { observation: 'No Finding', value, sentence: value ? normal : null, mention: value && normal ? (NORMAL_STATEMENT.exec(normal.text)?.[0] ?? null) : null, cue: null };
  return [nf, ...results];
}
