/**
 * DICOM RLE Lossless (PS3.5 Annex G) for 16-bit single-sample images: one
 * PackBits segment per byte plane, most significant plane first, each row
 * encoded on its own so no run crosses a row boundary.
 */

/** PackBits-encodes `src[start .. start+length)` into `out` at `at`; returns the new end. */
function packBitsRow(src: Uint8Array, start: number, length: number, out: Uint8Array, at: number): number {
  let i = 0;
  while (i < length) {
    let run = 1;
    while (i + run < length && run < 128 && src[start + i + run] === src[start + i]) run++;
    if (run >= 2) {
      out[at++] = 257 - run;
      out[at++] = src[start + i]!;
      i += run;
      continue;
    }
    // Literal: gather until the next run of at least 3 equal bytes.
    const begin = i;
    while (i < length && i - begin < 128) {
      if (i + 2 < length && src[start + i] === src[start + i + 1] && src[start + i] === src[start + i + 2]) break;
      i++;
    }
    out[at++] = i - begin - 1;
    out.set(src.subarray(start + begin, start + i), at);
    at += i - begin;
  }
  return at;
}

/** Returns one RLE fragment (64-byte header plus segments) for 16-bit pixels. */
export function encodeRle16(pixels: Uint16Array, rows: number, columns: number): Uint8Array {
  const high = new Uint8Array(pixels.length);
  const low = new Uint8Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) {
    high[k] = pixels[k]! >>> 8;
    low[k] = pixels[k]! & 0xff;
  }
  // Worst case per row: one header byte per 128 literals, plus one for a short tail.
  const worst = pixels.length + rows * (Math.ceil(columns / 128) + 1) + 1;
  const segments = [high, low].map((plane) => {
    const out = new Uint8Array(worst);
    let at = 0;
    for (let r = 0; r < rows; r++) at = packBitsRow(plane, r * columns, columns, out, at);
    if (at % 2 === 1) out[at++] = 0x80; // -128 is a no-op byte: safe even padding
    return out.subarray(0, at);
  });
  const headerBytes = 64;
  const result = new Uint8Array(headerBytes + segments[0]!.length + segments[1]!.length);
  const view = new DataView(result.buffer);
  view.setUint32(0, segments.length, true);
  view.setUint32(4, headerBytes, true);
  view.setUint32(8, headerBytes + segments[0]!.length, true);
  result.set(segments[0]!, headerBytes);
  result.set(segments[1]!, headerBytes + segments[0]!.length);
  return result;
}
