/**
 * Text content of DICOM Structured Reports (Basic Text, Enhanced, Comprehensive,
 * Comprehensive 3D and Extensible SR). The content tree is rendered to plain
 * text, one paragraph per content item, so that parseReport finds its sections:
 * - CONTAINER: its concept name as a heading line ("FINDINGS"), then its children;
 * - TEXT: the text value (under a heading of its concept name when that names a
 *   report section other than the current one, e.g. TEXT "Impression" directly
 *   under the root);
 * - CODE: "concept name: code meaning"; NUM: "concept name: value unit".
 * Other value types (dates, UIDs, image references, coordinates) carry no report text.
 */
import * as dicomParser from 'dicom-parser';
import { TextDecoder } from 'node:util';
import { AppError } from '../../../src-shared/result';
import { normaliseDate } from './dates';
import { canonicalSection } from './headings';
import type { KeyedReport, StudyIdentity } from './keys';
import { reportRecord } from './parse';

export const SR_STORAGE_CLASSES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.88.34': 'Comprehensive 3D SR',
  '1.2.840.10008.5.1.4.1.1.88.35': 'Extensible SR',
};

export const isStructuredReport = (sopClassUid: string | null | undefined): boolean => !!sopClassUid && sopClassUid in SR_STORAGE_CLASSES;

const TAG = {
  sopClassUid: 'x00080016',
  specificCharacterSet: 'x00080005',
  studyUid: 'x0020000d',
  accessionNumber: 'x00080050',
  patientId: 'x00100020',
  studyDate: 'x00080020',
  valueType: 'x0040a040',
  conceptName: 'x0040a043',
  codeValue: 'x00080100',
  codeMeaning: 'x00080104',
  contentSequence: 'x0040a730',
  textValue: 'x0040a160',
  conceptCode: 'x0040a168',
  measuredValue: 'x0040a300',
  numericValue: 'x0040a30a',
  units: 'x004008ea',
} as const;

/** TextDecoder labels for the DICOM character sets that Node's ICU knows; the default repertoire is ASCII. */
const DECODERS: Readonly<Record<string, string>> = {
  'ISO_IR 192': 'utf-8',
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 166': 'tis-620',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

class SrReader {
  private readonly decoder: TextDecoder;

  constructor(root: dicomParser.DataSet) {
    const charsets = (this.raw(root, TAG.specificCharacterSet, new TextDecoder('latin1')) ?? '').split('\\').map((s) => s.trim());
    const label = charsets.map((c) => DECODERS[c]).find((d) => d !== undefined) ?? 'latin1';
    this.decoder = new TextDecoder(label);
  }

  private raw(ds: dicomParser.DataSet, tag: string, decoder: TextDecoder): string | null {
    const el = ds.elements[tag];
    if (!el || el.length <= 0) return null;
    const value = decoder.decode(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)).replace(/[\0 ]+$/, '');
    return value === '' ? null : value;
  }

  string(ds: dicomParser.DataSet, tag: string): string | null {
    return this.raw(ds, tag, this.decoder)?.trim() || null;
  }

  items(ds: dicomParser.DataSet, tag: string): dicomParser.DataSet[] {
    return (ds.elements[tag]?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
  }

  codeMeaning(ds: dicomParser.DataSet, sequenceTag: string): string | null {
    const code = this.items(ds, sequenceTag)[0];
    return code ? (this.string(code, TAG.codeMeaning) ?? this.string(code, TAG.codeValue)) : null;
  }
}

function numericText(r: SrReader, item: dicomParser.DataSet): string | null {
  const measured = r.items(item, TAG.measuredValue)[0];
  if (!measured) return null;
  const value = r.string(measured, TAG.numericValue);
  const unit = r.items(measured, TAG.units)[0];
  const unitText = unit ? r.string(unit, TAG.codeValue) : null;
  return value === null ? null : unitText && unitText !== '1' ? `${value} ${unitText}` : value;
}

/** Paragraphs of text for a list of content items, depth first. */
function renderItems(r: SrReader, items: dicomParser.DataSet[], section: string | null, out: string[]): void {
  let current = section;
  for (const item of items) {
    const valueType = r.string(item, TAG.valueType);
    const name = r.codeMeaning(item, TAG.conceptName);
    const named = name ? canonicalSection(name) : null;
    if (valueType === 'CONTAINER') {
      if (name) out.push(name.toUpperCase());
      renderItems(r, r.items(item, TAG.contentSequence), named ?? name, out);
      if (name) current = null;
      continue;
    }
    if (valueType === 'TEXT') {
      const text = r.string(item, TAG.textValue);
      if (text && named && named !== current) {
        out.push(named);
        current = named;
      }
      if (text) out.push(text);
    } else if (valueType === 'CODE') {
      const meaning = r.codeMeaning(item, TAG.conceptCode);
      if (meaning) out.push(name ? `${name}: ${meaning}` : meaning);
    } else if (valueType === 'NUM') {
      const value = numericText(r, item);
      if (value) out.push(name ? `${name}: ${value}` : value);
    }
    renderItems(r, r.items(item, TAG.contentSequence), current, out);
  }
}

/** The SR's content tree as plain text, paragraphs separated by blank lines. The root's concept name is the title line. */
export function srText(dataSet: dicomParser.DataSet): string {
  const r = new SrReader(dataSet);
  const out: string[] = [];
  const title = r.codeMeaning(dataSet, TAG.conceptName);
  if (title) out.push(title);
  renderItems(r, r.items(dataSet, TAG.contentSequence), null, out);
  return out.join('\n\n');
}

/**
 * The report of an SR data set, keyed by its study, with the study's identity.
 * `dataSet` may come from any parser run (the importer's own, for files without a preamble).
 */
export function srReport(dataSet: dicomParser.DataSet, path: string): KeyedReport & { study: StudyIdentity } {
  const r = new SrReader(dataSet);
  const sopClassUid = r.string(dataSet, TAG.sopClassUid);
  if (!isStructuredReport(sopClassUid)) {
    throw new AppError('bad_request', `${path} is not a structured report (SOP class ${sopClassUid ?? 'missing'})`);
  }
  const studyUid = r.string(dataSet, TAG.studyUid);
  if (!studyUid) throw new AppError('bad_request', `${path}: the structured report has no StudyInstanceUID`);
  const text = srText(dataSet);
  if (!/[\p{L}\p{N}]/u.test(text)) throw new AppError('bad_request', `${path}: the structured report holds no text content`);
  return {
    key: { by: 'studyUid', studyUid },
    study: {
      studyUid,
      accessionNumber: r.string(dataSet, TAG.accessionNumber),
      patientId: r.string(dataSet, TAG.patientId),
      studyDate: normaliseDate(r.string(dataSet, TAG.studyDate)),
    },
    report: reportRecord(text, 'sr', path),
  };
}

/** Parses a DICOM Part 10 SR file's bytes and returns its report. */
export function readSrReport(bytes: Uint8Array, path: string): KeyedReport & { study: StudyIdentity } {
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (cause) {
    throw new AppError('bad_request', `${path} is not a readable DICOM file: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  return srReport(dataSet, path);
}
