/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets,
 * then one PackBits segment per byte plane, most significant byte first.
 * No maintained npm package decodes it outside cornerstone's bundle; the
 * format is small enough to decode here. Pure.
 */
import { RejectedFile } from '../rejection';

/**
 * Decodes one RLE frame into interleaved little-endian sample bytes:
 * length rows * columns * samplesPerPixel * bytesPerSample.
 */
export function decodeRle(encoded: Uint8Array, pixels: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  if (encoded.length < 64) throw new RejectedFile('truncated', 'RLE frame is shorter than its 64-byte header');
  const header = new DataView(encoded.buffer, encoded.byteOffset, 64);
  const segments = header.getUint32(0, true);
  const expected = samplesPerPixel * bytesPerSample;
  if (segments !== expected) throw new RejectedFile('unreadable', `RLE frame has ${segments} segments, the image needs ${expected}`);
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? header.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < 64 || start > end || end > encoded.length) throw new RejectedFile('unreadable', `RLE segment ${s} offsets are out of range`);
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segment 0 holds the most significant byte
    unpackBits(encoded, start, end, out, sample * bytesPerSample + byteInSample, expected, pixels);
  }
  return out;
}

/** PackBits into every `stride`-th byte of `out` starting at `first`; stops after `count` bytes. */
function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, first: number, stride: number, count: number): void {
  let i = start;
  let written = 0;
  let o = first;
  while (i < end && written < count) {
    const n = src[i++]!;
    if (n < 128) {
      const run = Math.min(n + 1, count - written, end - i);
      for (let k = 0; k < run; k++, o += stride) out[o] = src[i + k]!;
      i += n + 1;
      written += run;
    } else if (n > 128) {
      const value = src[i++] ?? 0;
      const run = Math.min(257 - n, count - written);
      for (let k = 0; k < run; k++, o += stride) out[o] = value;
      written += run;
    }
    // n === 128 is a no-op by definition.
  }
  if (written < count) throw new RejectedFile('truncated', `RLE segment decodes to ${written} of ${count} bytes`);
}
