/**
 * The data elements of one synthetic chest radiograph (CR or DX), with the
 * patient / study / series / instance identity and the pixel module, ready
 * for encodePart10.
 */
import { encodeRle16 } from './rle';
import { type Element, TransferSyntax, type TransferSyntaxUid, type Vr, tag } from './writer';

export const SopClass = {
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1', // Digital X-Ray Image Storage - For Presentation
} as const;

export interface RadiographIdentity {
  patientId: string;
  patientName: string;
  birthDate: string; // YYYYMMDD
  sex: 'F' | 'M';
  age: number;
  studyUid: string;
  studyDate: string; // YYYYMMDD
  studyTime: string; // HHMMSS
  studyId: string;
  accessionNumber: string;
  studyDescription: string;
  seriesUid: string;
  seriesNumber: number;
  seriesDescription: string;
  sopInstanceUid: string;
  instanceNumber: number;
  modality: 'CR' | 'DX';
  viewPosition: 'PA' | 'AP' | 'LL';
}

export interface RadiographPixels {
  rows: number;
  columns: number;
  /** MONOCHROME2 values (bright = dense), 12 bits stored. */
  values: Uint16Array;
  bitsStored: number;
  pixelSpacingMm: number;
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
}

const ds = (n: number) => String(Number(n.toFixed(4)));

/** Window that shows the lungs and the mediastinum, from the 8th and 99.5th percentiles (the lowest values are air beside the patient). */
function windowFor(values: Uint16Array): { center: number; width: number } {
  const hist = new Uint32Array(65536);
  for (let k = 0; k < values.length; k++) hist[values[k]!]!++;
  const at = (p: number) => {
    let acc = 0;
    for (let v = 0; v < hist.length; v++) {
      acc += hist[v]!;
      if (acc >= p * values.length) return v;
    }
    return hist.length - 1;
  };
  const lo = at(0.08);
  const hi = at(0.995);
  return { center: Math.round((lo + hi) / 2), width: Math.max(2, hi - lo) };
}

export function radiographElements(id: RadiographIdentity, px: RadiographPixels, transferSyntax: TransferSyntaxUid): Element[] {
  const maxValue = (1 << px.bitsStored) - 1;
  // MONOCHROME1 stores inverted values: the same picture, displayed with the minimum white.
  const stored = px.photometric === 'MONOCHROME1' ? px.values.map((v) => maxValue - v) : px.values;
  const window = windowFor(stored);
  const e = (g: number, el: number, vr: Vr, value: Element['value']): Element => ({ tag: tag(g, el), vr, value });
  const orientation = id.viewPosition === 'LL' ? 'P\\F' : 'L\\F';
  const spacing = `${ds(px.pixelSpacingMm)}\\${ds(px.pixelSpacingMm)}`;
  const pixelBytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
  const elements: Element[] = [
    e(0x0008, 0x0005, 'CS', 'ISO_IR 100'),
    e(0x0008, 0x0008, 'CS', 'DERIVED\\PRIMARY'),
    e(0x0008, 0x0016, 'UI', SopClass[id.modality]),
    e(0x0008, 0x0018, 'UI', id.sopInstanceUid),
    e(0x0008, 0x0020, 'DA', id.studyDate),
    e(0x0008, 0x0021, 'DA', id.studyDate),
    e(0x0008, 0x0023, 'DA', id.studyDate),
    e(0x0008, 0x0030, 'TM', id.studyTime),
    e(0x0008, 0x0031, 'TM', id.studyTime),
    e(0x0008, 0x0033, 'TM', id.studyTime),
    e(0x0008, 0x0050, 'SH', id.accessionNumber),
    e(0x0008, 0x0060, 'CS', id.modality),
    e(0x0008, 0x0070, 'LO', 'ConVIRT Workstation'),
    e(0x0008, 0x0080, 'LO', 'Synthetic Demo Hospital'),
    e(0x0008, 0x0090, 'PN', ''),
    e(0x0008, 0x1030, 'LO', id.studyDescription),
    e(0x0008, 0x103e, 'LO', id.seriesDescription),
    e(0x0008, 0x1090, 'LO', 'Synthetic chest phantom'),
    e(0x0010, 0x0010, 'PN', id.patientName),
    e(0x0010, 0x0020, 'LO', id.patientId),
    e(0x0010, 0x0030, 'DA', id.birthDate),
    e(0x0010, 0x0040, 'CS', id.sex),
    e(0x0010, 0x1010, 'AS', `${String(id.age).padStart(3, '0')}Y`),
    e(0x0018, 0x0015, 'CS', 'CHEST'),
    e(0x0018, 0x1164, 'DS', spacing),
    e(0x0018, 0x5101, 'CS', id.viewPosition),
    e(0x0020, 0x000d, 'UI', id.studyUid),
    e(0x0020, 0x000e, 'UI', id.seriesUid),
    e(0x0020, 0x0010, 'SH', id.studyId),
    e(0x0020, 0x0011, 'IS', String(id.seriesNumber)),
    e(0x0020, 0x0013, 'IS', String(id.instanceNumber)),
    e(0x0020, 0x0020, 'CS', orientation),
    e(0x0028, 0x0002, 'US', 1),
    e(0x0028, 0x0004, 'CS', px.photometric),
    e(0x0028, 0x0010, 'US', px.rows),
    e(0x0028, 0x0011, 'US', px.columns),
    e(0x0028, 0x0030, 'DS', spacing),
    e(0x0028, 0x0100, 'US', 16),
    e(0x0028, 0x0101, 'US', px.bitsStored),
    e(0x0028, 0x0102, 'US', px.bitsStored - 1),
    e(0x0028, 0x0103, 'US', 0),
    e(0x0028, 0x1040, 'CS', 'LOG'),
    // +1: larger values mean more X-ray intensity (MONOCHROME1 here), -1 the reverse.
    e(0x0028, 0x1041, 'SS', px.photometric === 'MONOCHROME1' ? 1 : -1),
    e(0x0028, 0x1050, 'DS', String(window.center)),
    e(0x0028, 0x1051, 'DS', String(window.width)),
    e(0x0028, 0x1052, 'DS', '0'),
    e(0x0028, 0x1053, 'DS', '1'),
    e(0x0028, 0x1054, 'LO', 'US'),
    e(0x0028, 0x2110, 'CS', '00'),
  ];
  if (id.modality === 'DX') elements.push(e(0x0008, 0x0068, 'CS', 'FOR PRESENTATION'));
  if (transferSyntax === TransferSyntax.RleLossless) {
    elements.push({ tag: tag(0x7fe0, 0x0010), vr: 'OB', value: new Uint8Array(0), fragments: [encodeRle16(stored, px.rows, px.columns)] });
  } else {
    elements.push(e(0x7fe0, 0x0010, 'OW', pixelBytes));
  }
  return elements;
}
