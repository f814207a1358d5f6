/**
 * Parses DICOM bytes with dicom-parser: Part 10 files with the 128-byte
 * preamble, files that start directly with "DICM", and bare data sets with no
 * meta header at all (implicit or explicit VR little endian, sniffed from the
 * first element). Parser failures become RejectedFile with a reason.
 */
import * as dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { RejectedFile } from '../rejection';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return offset + length <= bytes.length ? String.fromCharCode(...bytes.subarray(offset, offset + length)) : '';
}

/** A bare data set starts with a group 0x0008 (or 0x0002..0x0028) element, little endian. */
function sniffBareDataSet(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return null;
  const group = bytes[0]! | (bytes[1]! << 8);
  if (group < 0x0002 || group > 0x0028 || group % 2 !== 0) return null;
  const vr = ascii(bytes, 4, 2);
  return /^[A-Z]{2}$/.test(vr) ? EXPLICIT_LE : IMPLICIT_LE;
}

function classify(message: string): RejectedFile {
  if (/past end of buffer|buffer overr(ead|un)|unexpected end of file|exceeds? (the )?(size|length)|beyond the end|premature end|truncat|eof/i.test(message)) {
    return new RejectedFile('truncated', 'the file ends before its last data element');
  }
  return new RejectedFile('unreadable', `the DICOM structure is damaged (${message.slice(0, 160)})`);
}

/** Deflated Explicit VR LE: everything after the meta header is one raw deflate stream. */
function inflateDeflated(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength: 2 ** 31 - 1 });
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position));
  full.set(inflated, position);
  return full;
}

export function parseDicomBytes(bytes: Uint8Array, options: { untilTag?: string } = {}): dicomParser.DataSet {
  let input = bytes;
  let rawSyntax: string | undefined;
  if (ascii(bytes, 128, 4) !== 'DICM') {
    if (ascii(bytes, 0, 4) === 'DICM') {
      input = new Uint8Array(bytes.length + 128);
      input.set(bytes, 128);
    } else {
      const sniffed = sniffBareDataSet(bytes);
      if (!sniffed) throw new RejectedFile('not_dicom', 'no DICM marker and no recognisable DICOM data set at the start');
      rawSyntax = sniffed;
    }
  }
  try {
    return dicomParser.parseDicom(input, {
      ...(rawSyntax ? { TransferSyntaxUID: rawSyntax } : {}),
      ...(options.untilTag ? { untilTag: options.untilTag } : {}),
      inflater: inflateDeflated as unknown as (arr: Uint8Array, position: number) => void,
    });
  } catch (cause) {
    // dicom-parser throws strings, or Errors carrying the partial dataSet.
    const inner = typeof cause === 'object' && cause !== null && 'exception' in cause ? (cause as { exception: unknown }).exception : cause;
    const message = inner instanceof Error ? inner.message : String(inner);
    throw classify(message);
  }
}
