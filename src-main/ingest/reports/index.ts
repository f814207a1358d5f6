/** Reports: parse raw text into sections and sentences, and read reports from their sources. */
export { parseReport, reportRecord, sectionText, type ParsedReport, type ReportSection, type ReportSentence } from './parse';
export { CANONICAL_SECTIONS, canonicalSection, type CanonicalSection } from './headings';
export { splitSentences } from './sentences';
export { normaliseDate } from './dates';
export { ReportIndex, type KeyedReport, type ReportKey, type ReportRejection, type StudyIdentity } from './keys';
export { listMimicReportFiles, mimicTextReports, readTextReport, type MimicReportFile } from './text-files';
export { readReportManifest } from './manifest';
export { SR_STORAGE_CLASSES, isStructuredReport, readSrReport, srReport, srText } from './sr';
export { attachReports, readReportSource, type AttachSummary } from './attach';
export type { ReportRecord } from '../../db/ingest-repo';
