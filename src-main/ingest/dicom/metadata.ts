/**
 * Plain metadata from a parsed DICOM data set, grouped as the library stores
 * it: patient / study / series / instance, plus what the pixel decoder needs.
 * Pure: no I/O.
 */
import type { DataSet } from 'dicom-parser';
import type { InstanceRecord, PatientRecord, SeriesRecord, StudyRecord } from '../../db/ingest-repo';
import { RejectedFile } from '../rejection';
import { transferSyntax, type TransferSyntax } from './transfer-syntax';

export const TAG = {
  transferSyntaxUid: 'x00020010',
  sopClassUid: 'x00080016',
  sopInstanceUid: 'x00080018',
  studyDate: 'x00080020',
  studyTime: 'x00080030',
  accessionNumber: 'x00080050',
  modality: 'x00080060',
  studyDescription: 'x00081030',
  seriesDescription: 'x0008103e',
  patientName: 'x00100010',
  patientId: 'x00100020',
  birthDate: 'x00100030',
  sex: 'x00100040',
  bodyPartExamined: 'x00180015',
  viewPosition: 'x00185101',
  studyInstanceUid: 'x0020000d',
  seriesInstanceUid: 'x0020000e',
  seriesNumber: 'x00200011',
  instanceNumber: 'x00200013',
  samplesPerPixel: 'x00280002',
  photometricInterpretation: 'x00280004',
  planarConfiguration: 'x00280006',
  numberOfFrames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  pixelData: 'x7fe00010',
} as const;

/** What the decoder needs to turn a frame's bytes into pixel values. */
export interface PixelInfo {
  syntax: TransferSyntax;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  planarConfiguration: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
}

export interface DicomMetadata {
  patient: PatientRecord;
  study: Omit<StudyRecord, 'source'>;
  series: SeriesRecord;
  instance: Omit<InstanceRecord, 'path' | 'contentHash' | 'sizeBytes'>;
  sopClassUid: string | null;
  pixels: PixelInfo;
}

function text(ds: DataSet, tag: string): string | null {
  try {
    const v = ds.string(tag);
    return v === undefined || v.trim() === '' ? null : v.trim();
  } catch {
    return null;
  }
}

function firstNumber(ds: DataSet, tag: string): number | null {
  const v = text(ds, tag);
  if (v === null) return null;
  const n = Number(v.split('\\')[0]);
  return Number.isFinite(n) ? n : null;
}

function uint16(ds: DataSet, tag: string): number | null {
  const el = ds.elements[tag];
  if (!el || el.length < 2) return null;
  return ds.uint16(tag) ?? null;
}

/** DICOM DA (YYYYMMDD, or the old YYYY.MM.DD) to YYYY-MM-DD; null when not a real date. */
export function normaliseDicomDate(value: string | null): string | null {
  if (!value) return null;
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  return `${y}-${mo}-${d}`;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

function requireUid(ds: DataSet, tag: string, name: string): string {
  const v = text(ds, tag)?.replace(/\0/g, '') ?? null;
  if (!v) throw new RejectedFile('unreadable', `${name} is missing`);
  if (v.length > 64 || !UID.test(v)) throw new RejectedFile('unreadable', `${name} is not a valid UID`);
  return v;
}

/** dicom-parser accepts a Pixel Data element that claims more bytes than the file has; catch that here. */
function assertPixelDataComplete(ds: DataSet, native: boolean, expectedBytes: number): void {
  const el = ds.elements[TAG.pixelData]!;
  const size = ds.byteArray.length;
  if (native) {
    if (el.encapsulatedPixelData) throw new RejectedFile('unreadable', 'Pixel Data is encapsulated but the transfer syntax is native');
    if (el.dataOffset + el.length > size || el.length < expectedBytes) {
      throw new RejectedFile('truncated', `Pixel Data holds ${Math.min(el.length, size - el.dataOffset)} of the ${expectedBytes} bytes the image needs`);
    }
    return;
  }
  const fragments = el.fragments ?? [];
  if (!el.encapsulatedPixelData || fragments.length === 0) throw new RejectedFile('unreadable', 'compressed Pixel Data has no fragments');
  for (const f of fragments) {
    if (f.position + f.length > size) throw new RejectedFile('truncated', 'a compressed Pixel Data fragment runs past the end of the file');
  }
}

function pixelInfo(ds: DataSet): PixelInfo {
  const uid = text(ds, TAG.transferSyntaxUid)?.replace(/\0/g, '') ?? '1.2.840.10008.1.2';
  const syntax = transferSyntax(uid);
  if (!syntax) throw new RejectedFile('unsupported_transfer_syntax', `transfer syntax ${uid.slice(0, 64)} is not supported`);
  const pixel = ds.elements[TAG.pixelData];
  if (!pixel) throw new RejectedFile('no_pixel_data', 'the file has no Pixel Data element');
  const rows = uint16(ds, TAG.rows);
  const columns = uint16(ds, TAG.columns);
  const bitsAllocated = uint16(ds, TAG.bitsAllocated);
  if (!rows || !columns || !bitsAllocated) throw new RejectedFile('unreadable', 'Rows, Columns or Bits Allocated is missing or zero');
  if (![8, 16, 32].includes(bitsAllocated)) throw new RejectedFile('unreadable', `Bits Allocated ${bitsAllocated} is not supported`);
  const bitsStored = uint16(ds, TAG.bitsStored) ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new RejectedFile('unreadable', `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  const samplesPerPixel = uint16(ds, TAG.samplesPerPixel) ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw new RejectedFile('unreadable', `Samples per Pixel ${samplesPerPixel} is not supported`);
  const frames = Math.max(1, Math.floor(firstNumber(ds, TAG.numberOfFrames) ?? 1));
  if (frames > 100000) throw new RejectedFile('unreadable', `Number of Frames ${frames} is implausible`);
  assertPixelDataComplete(ds, syntax.encoding === 'native', rows * columns * frames * samplesPerPixel * (bitsAllocated / 8));
  const slope = firstNumber(ds, TAG.rescaleSlope);
  const width = firstNumber(ds, TAG.windowWidth);
  return {
    syntax,
    rows,
    columns,
    frames,
    samplesPerPixel,
    photometricInterpretation: text(ds, TAG.photometricInterpretation)?.toUpperCase() ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'),
    planarConfiguration: uint16(ds, TAG.planarConfiguration) ?? 0,
    bitsAllocated,
    bitsStored,
    highBit: uint16(ds, TAG.highBit) ?? bitsStored - 1,
    pixelRepresentation: uint16(ds, TAG.pixelRepresentation) === 1 ? 1 : 0,
    rescaleSlope: slope === null || slope === 0 ? 1 : slope,
    rescaleIntercept: firstNumber(ds, TAG.rescaleIntercept) ?? 0,
    windowCenter: width !== null && width > 0 ? firstNumber(ds, TAG.windowCenter) : null,
    windowWidth: width !== null && width > 0 ? width : null,
  };
}

/** Everything the library stores about one DICOM image; throws RejectedFile when it cannot be an image. */
export function extractMetadata(ds: DataSet): DicomMetadata {
  const studyUid = requireUid(ds, TAG.studyInstanceUid, 'Study Instance UID');
  const seriesUid = requireUid(ds, TAG.seriesInstanceUid, 'Series Instance UID');
  const sopInstanceUid = requireUid(ds, TAG.sopInstanceUid, 'SOP Instance UID');
  const pixels = pixelInfo(ds);
  const patientId = text(ds, TAG.patientId);
  const bodyPart = text(ds, TAG.bodyPartExamined);
  const viewPosition = text(ds, TAG.viewPosition);
  const seriesNumber = firstNumber(ds, TAG.seriesNumber);
  const instanceNumber = firstNumber(ds, TAG.instanceNumber);
  return {
    // Without a PatientID the study UID keeps unrelated studies from merging into one "patient".
    patient: {
      patientKey: patientId ?? `study:${studyUid}`,
      patientId,
      patientName: text(ds, TAG.patientName),
      sex: text(ds, TAG.sex),
      birthDate: normaliseDicomDate(text(ds, TAG.birthDate)),
    },
    study: {
      studyUid,
      studyDate: normaliseDicomDate(text(ds, TAG.studyDate)),
      studyTime: text(ds, TAG.studyTime),
      accessionNumber: text(ds, TAG.accessionNumber),
      description: text(ds, TAG.studyDescription),
      bodyPart,
    },
    series: {
      seriesUid,
      modality: text(ds, TAG.modality),
      seriesNumber: seriesNumber !== null && Number.isInteger(seriesNumber) ? seriesNumber : null,
      description: text(ds, TAG.seriesDescription),
      bodyPart,
      viewPosition,
    },
    instance: {
      sopInstanceUid,
      instanceNumber: instanceNumber !== null && Number.isInteger(instanceNumber) ? instanceNumber : null,
      transferSyntaxUid: pixels.syntax.uid,
      rows: pixels.rows,
      columns: pixels.columns,
      frames: pixels.frames,
      bitsAllocated: pixels.bitsAllocated,
      bitsStored: pixels.bitsStored,
      pixelRepresentation: pixels.pixelRepresentation,
      photometricInterpretation: pixels.photometricInterpretation,
      rescaleSlope: pixels.rescaleSlope,
      rescaleIntercept: pixels.rescaleIntercept,
      windowCenter: pixels.windowCenter,
      windowWidth: pixels.windowWidth,
      viewPosition,
    },
    sopClassUid: text(ds, TAG.sopClassUid),
    pixels,
  };
}
