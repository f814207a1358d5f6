/**
 * JPEG extended, 12-bit precision (process 4, transfer syntax 1.2.840.10008.1.2.4.51).
 * The WebAssembly libjpeg-turbo build is 8-bit only, so 12-bit frames go through
 * the pdf.js-derived JpegImage that daikon ships (the same decoder, getData16
 * included, that cornerstone's dicom-image-loader uses for 12-bit JPEG; daikon
 * is the light package to get it from: cornerstone's pulls in its rendering core).
 */
import { JpegImage } from 'daikon/lib/jpeg-baseline.js';
import { RejectedFile } from '../rejection';

/**
 * The decoder adds 2056 / bitConversion before its final >> 4, where
 * bitConversion = 255 / (2^P - 1). That is the right level shift and rounding
 * (2^(P-1) * 16 + 8) only for P = 8; for 12-bit it is 240.9 too large, so every
 * sample comes out floor(240.9 / 16) = 15 levels high (exactly, for integer IDCT
 * sums). Its upper clamp also starts those 15 levels early, so a sample it
 * reports as 2^P - 1 is really between 2^P - 16 and 2^P - 1; it is kept at the top.
 */
function levelShiftExcess(precision: number): number {
  const bitConversion = 255 / (2 ** precision - 1);
  return Math.floor((2056 / bitConversion - (2 ** (precision - 1) * 16 + 8)) / 16);
}

/**
 * DICOM fragments have even length; encoders such as dcmtk pad an odd JPEG
 * stream with a 0xFF fill byte before EOI (allowed by T.81 B.1.1.2), which
 * this decoder reads as an unknown marker 0xFFFF. Drop such fill bytes.
 */
function withoutFillBeforeEoi(encoded: Uint8Array): Uint8Array {
  let end = encoded.length;
  while (end >= 4 && encoded[end - 1] === 0xd9 && encoded[end - 2] === 0xff && encoded[end - 3] === 0xff) end--;
  if (end === encoded.length) return encoded;
  const out = encoded.slice(0, end);
  out[end - 2] = 0xff;
  out[end - 1] = 0xd9;
  return out;
}

/** The sample precision from the frame header (SOF0..SOF2), or null when there is none. */
export function jpegPrecision(encoded: Uint8Array): number | null {
  for (let i = 2; i + 4 < encoded.length; ) {
    if (encoded[i] !== 0xff) return null;
    const marker = encoded[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) return encoded[i + 4]!;
    if (marker === 0xda) return null;
    i += 2 + ((encoded[i + 2]! << 8) | encoded[i + 3]!);
  }
  return null;
}

export interface Decoded12 {
  /** Samples in 0 .. 2^precision - 1, width * height, one component. */
  samples: Uint16Array;
  width: number;
  height: number;
}

export function decodeJpegExtended(encoded: Uint8Array): Decoded12 {
  const jpeg = new JpegImage();
  try {
    jpeg.parse(withoutFillBeforeEoi(encoded));
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new RejectedFile('unreadable', `12-bit JPEG pixel data could not be decoded (${message.slice(0, 120)})`);
  }
  if (jpeg.components.length !== 1) {
    throw new RejectedFile('unsupported_transfer_syntax', `12-bit JPEG with ${jpeg.components.length} components; only grayscale 12-bit JPEG is decoded`);
  }
  const precision = jpegPrecision(encoded) ?? 12;
  const samples = jpeg.getData16(jpeg.width, jpeg.height);
  const excess = levelShiftExcess(precision);
  const top = 2 ** precision - 1;
  if (excess > 0) for (let i = 0; i < samples.length; i++) if (samples[i]! < top) samples[i] = Math.max(0, samples[i]! - excess);
  return { samples, width: jpeg.width, height: jpeg.height };
}
