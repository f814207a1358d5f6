/**
 * A small DICOM Part 10 writer for the demo archive: enough of PS3.5 to write
 * single-frame grayscale images in explicit / implicit VR little endian,
 * deflated explicit VR little endian, and encapsulated (RLE) pixel data.
 */
import { deflateRawSync } from 'node:zlib';
import { AppError } from '../../../src-shared/result';

export const TransferSyntax = {
  ImplicitLittle: '1.2.840.10008.1.2',
  ExplicitLittle: '1.2.840.10008.1.2.1',
  DeflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  RleLossless: '1.2.840.10008.1.2.5',
} as const;
export type TransferSyntaxUid = (typeof TransferSyntax)[keyof typeof TransferSyntax];

export const IMPLEMENTATION_CLASS_UID = '2.25.231964981213011482717862413587136251473';
const IMPLEMENTATION_VERSION = 'CONVIRT_DEMO_1';

export type Vr = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'PN' | 'SH' | 'TM' | 'UI' | 'US' | 'SS' | 'UL' | 'OB' | 'OW' | 'LT';

/** One data element. Strings for text VRs, numbers for US/SS/UL, bytes for OB/OW. */
export interface Element {
  tag: number; // (group << 16) | element
  vr: Vr;
  value: string | number | number[] | Uint8Array;
  /** For encapsulated pixel data: the fragments, written as items of undefined length. */
  fragments?: Uint8Array[];
}

export const tag = (group: number, element: number): number => ((group << 16) | element) >>> 0;

const LONG_VRS = new Set<Vr>(['OB', 'OW']);

function valueBytes(e: Element): Buffer {
  if (typeof e.value === 'string') {
    const pad = e.vr === 'UI' || e.vr === 'OB' ? '\0' : ' ';
    const text = e.value.length % 2 === 1 ? e.value + pad : e.value;
    return Buffer.from(text, 'latin1');
  }
  if (e.value instanceof Uint8Array) {
    const bytes = Buffer.from(e.value.buffer, e.value.byteOffset, e.value.byteLength);
    return bytes.length % 2 === 1 ? Buffer.concat([bytes, Buffer.alloc(1)]) : bytes;
  }
  const values = Array.isArray(e.value) ? e.value : [e.value];
  const size = e.vr === 'UL' ? 4 : 2;
  const out = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    if (e.vr === 'UL') out.writeUInt32LE(v, i * size);
    else if (e.vr === 'SS') out.writeInt16LE(v, i * size);
    else if (e.vr === 'US') out.writeUInt16LE(v, i * size);
    else throw new AppError('bad_request', `DICOM writer: numeric value for VR ${e.vr} in tag ${e.tag.toString(16)}`);
  });
  return out;
}

function header(tagValue: number, vr: Vr, length: number, explicit: boolean): Buffer {
  const long = explicit && LONG_VRS.has(vr);
  const out = Buffer.alloc(explicit ? (long ? 12 : 8) : 8);
  out.writeUInt16LE(tagValue >>> 16, 0);
  out.writeUInt16LE(tagValue & 0xffff, 2);
  if (!explicit) {
    out.writeUInt32LE(length >>> 0, 4);
  } else if (long) {
    out.write(vr, 4, 'latin1');
    out.writeUInt32LE(length >>> 0, 8);
  } else {
    if (length > 0xffff) throw new AppError('bad_request', `DICOM writer: value of tag ${tagValue.toString(16)} is too long for VR ${vr}`);
    out.write(vr, 4, 'latin1');
    out.writeUInt16LE(length, 6);
  }
  return out;
}

function item(tagValue: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt16LE(0xfffe, 0);
  out.writeUInt16LE(tagValue & 0xffff, 2);
  out.writeUInt32LE(payload.length, 4);
  return Buffer.concat([out, payload]);
}

/** Encodes elements (sorted by tag) in little endian, explicit or implicit VR. */
export function encodeDataset(elements: readonly Element[], explicit: boolean): Buffer {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  const parts: Buffer[] = [];
  for (const e of sorted) {
    if (e.fragments) {
      // Encapsulated pixel data: undefined length, empty offset table, one item per fragment.
      parts.push(header(e.tag, 'OB', 0xffffffff, explicit));
      parts.push(item(0xe000, Buffer.alloc(0)));
      for (const fragment of e.fragments) parts.push(item(0xe000, valueBytes({ ...e, value: fragment })));
      parts.push(item(0xe0dd, Buffer.alloc(0)));
      continue;
    }
    const bytes = valueBytes(e);
    parts.push(header(e.tag, e.vr, bytes.length, explicit), bytes);
  }
  return Buffer.concat(parts);
}

/** A whole Part 10 file: preamble, "DICM", file meta group, then the dataset. */
export function encodePart10(elements: readonly Element[], transferSyntax: TransferSyntaxUid): Buffer {
  const find = (t: number) => elements.find((e) => e.tag === t)?.value;
  const sopClass = find(tag(0x0008, 0x0016));
  const sopInstance = find(tag(0x0008, 0x0018));
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string') {
    throw new AppError('bad_request', 'DICOM writer: SOPClassUID and SOPInstanceUID are required');
  }
  const meta = encodeDataset(
    [
      { tag: tag(0x0002, 0x0001), vr: 'OB', value: new Uint8Array([0, 1]) },
      { tag: tag(0x0002, 0x0002), vr: 'UI', value: sopClass },
      { tag: tag(0x0002, 0x0003), vr: 'UI', value: sopInstance },
      { tag: tag(0x0002, 0x0010), vr: 'UI', value: transferSyntax },
      { tag: tag(0x0002, 0x0012), vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
      { tag: tag(0x0002, 0x0013), vr: 'SH', value: IMPLEMENTATION_VERSION },
    ],
    true,
  );
  const groupLength = encodeDataset([{ tag: tag(0x0002, 0x0000), vr: 'UL', value: meta.length }], true);
  const explicit = transferSyntax !== TransferSyntax.ImplicitLittle;
  let body = encodeDataset(elements, explicit);
  if (transferSyntax === TransferSyntax.DeflatedExplicitLittle) body = deflateRawSync(body);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, meta, body]);
}
