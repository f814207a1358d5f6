/**
 * parseReport: raw report text -> sections and sentences with character offsets
 * into the raw text. Pure; the raw text is kept as it is, never rewritten.
 */
import type { ReportRecord } from '../../db/ingest-repo';
import { findSections } from './sections';
import { splitSentences } from './sentences';

export interface ReportSection {
  /** Canonical name: FINDINGS, IMPRESSION, INDICATION, COMPARISON, TECHNIQUE, ... */
  name: string;
  /** The section's text, trimmed; equals rawText.slice(start, end). */
  text: string;
  start: number;
  end: number;
}

export interface ReportSentence {
  /** The section the sentence is in, or null for text before the first heading. */
  section: string | null;
  /** Equals rawText.slice(start, end); list markers ("1.", "-") are left out. */
  text: string;
  start: number;
  end: number;
}

export interface ParsedReport {
  sections: ReportSection[];
  sentences: ReportSentence[];
}

export function parseReport(rawText: string): ParsedReport {
  const { sections, preamble } = findSections(rawText);
  const sentences: ReportSentence[] = [];
  const addSentences = (section: string | null, from: number, to: number): void => {
    for (const [start, end] of splitSentences(rawText, from, to)) sentences.push({ section, text: rawText.slice(start, end), start, end });
  };
  addSentences(null, preamble[0], preamble[1]);
  for (const s of sections) addSentences(s.name, s.start, s.end);
  return {
    sections: sections.map((s) => ({ name: s.name, text: rawText.slice(s.start, s.end), start: s.start, end: s.end })),
    sentences,
  };
}

/** A report ready for IngestRepo.putReport: the raw text, where it came from, and its parse. */
export function reportRecord(rawText: string, source: string, sourcePath: string | null = null): ReportRecord & ParsedReport {
  return { rawText, source, sourcePath, ...parseReport(rawText) };
}

/** The first section of that name, or null. */
export function sectionText(report: { sections: readonly { name: string; text: string }[] }, name: string): string | null {
  return report.sections.find((s) => s.name === name)?.text ?? null;
}
