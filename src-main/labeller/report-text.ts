/**
 * Which part of a report the labeller reads: the findings and impression,
 * not the indication, history, comparison or technique ("r/o pneumonia" in
 * the indication is a question, not a finding). Pure.
 */
import { parseReport } from '../ingest/reports/parse';
import { labelSentences, type LabellerSentence, type ObservationResult } from './label-report';
import { CHEXPERT_RULES, type ObservationRule } from './rules';

const NOT_FINDINGS = new Set(['INDICATION', 'HISTORY', 'CLINICAL HISTORY', 'COMPARISON', 'TECHNIQUE', 'EXAMINATION', 'PROCEDURE']);

/** The report's sentences outside the indication, history, comparison and technique, with offsets into `rawText`. */
export function reportSentencesToLabel(rawText: string): LabellerSentence[] {
  return parseReport(rawText)
    .sentences.filter((s) => s.section === null || !NOT_FINDINGS.has(s.section))
    .map((s) => ({ text: s.text, start: s.start, end: s.end }));
}

export function labelReportText(rawText: string, rules: readonly ObservationRule[] = CHEXPERT_RULES): ObservationResult[] {
  return labelSentences(reportSentencesToLabel(rawText), rules);
}
