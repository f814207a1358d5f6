/** Reports: parse raw text into sections and sentences, and read reports from their sources. */
export { parseReport, reportRecord, sectionText, type ParsedReport, type ReportSection, type ReportSentence } from './parse';
export { CANONICAL_SECTIONS, canonicalSection, type CanonicalSection } from './headings';
export { splitSentences } from './sentences';
export type { ReportRecord } from '../../db/ingest-repo';
