/**
 * The transfer syntaxes the importer knows: how their pixel data is encoded
 * and which codec decodes it. Anything not listed is rejected at import with
 * reason `unsupported_transfer_syntax`.
 */

export type PixelEncoding =
  | 'native'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-extended'
  | 'jpeg-lossless'
  | 'jpeg-ls'
  | 'jpeg-2000'
  | 'htj2k';

export interface TransferSyntax {
  uid: string;
  name: string;
  encoding: PixelEncoding;
  bigEndian: boolean;
  explicitVr: boolean;
  /** Lossy syntaxes decode within a tolerance of the original, not exactly. */
  lossy: boolean;
}

const entries: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', encoding: 'native', bigEndian: false, explicitVr: false, lossy: false },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', encoding: 'native', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', encoding: 'native', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', encoding: 'native', bigEndian: true, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', encoding: 'rle', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', encoding: 'jpeg-baseline', bigEndian: false, explicitVr: true, lossy: true },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4)', encoding: 'jpeg-extended', bigEndian: false, explicitVr: true, lossy: true },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless (Process 14)', encoding: 'jpeg-lossless', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless SV1 (Process 14, Selection Value 1)', encoding: 'jpeg-lossless', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', encoding: 'jpeg-ls', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', encoding: 'jpeg-ls', bigEndian: false, explicitVr: true, lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', encoding: 'jpeg-2000', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', encoding: 'jpeg-2000', bigEndian: false, explicitVr: true, lossy: true },
  { uid: '3.2.840.10008.1.2.4.96', name: 'HTJ2K (private pre-standard UID)', encoding: 'htj2k', bigEndian: false, explicitVr: true, lossy: true },
  { uid: '1.2.840.10008.1.2.4.201', name: 'HTJ2K Lossless', encoding: 'htj2k', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.202', name: 'HTJ2K Lossless RPCL', encoding: 'htj2k', bigEndian: false, explicitVr: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.203', name: 'HTJ2K', encoding: 'htj2k', bigEndian: false, explicitVr: true, lossy: true },
];

const byUid = new Map(entries.map((e) => [e.uid, e]));

/** The syntax for a UID (trailing NUL/space padding ignored), or null when unsupported. */
export function transferSyntax(uid: string): TransferSyntax | null {
  return byUid.get(uid.replace(/[\0 ]+$/, '')) ?? null;
}

export const SUPPORTED_TRANSFER_SYNTAXES: readonly TransferSyntax[] = entries;
