/**
 * Turns decoded sample bytes into stored pixel values: byte order, signed
 * pixels, and Bits Stored / High Bit (bits above the stored ones are masked
 * off; signed values are sign-extended from the stored width). Pure.
 */
import type { PixelInfo } from '../dicom/metadata';

export type StoredArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/**
 * `bytes` holds rows * columns * samplesPerPixel samples of bitsAllocated bits,
 * little endian unless `bigEndian`. `shift` is how far the stored bits sit above
 * bit 0 (HighBit + 1 - BitsStored for native data; codecs output them at 0).
 */
export function toStoredValues(bytes: Uint8Array, info: PixelInfo, options: { bigEndian: boolean; shift: number }): StoredArray {
  const count = info.rows * info.columns * info.samplesPerPixel;
  const bytesPer = info.bitsAllocated / 8;
  const aligned = new Uint8Array(count * bytesPer);
  aligned.set(bytes.subarray(0, aligned.length));
  if (options.bigEndian && bytesPer > 1) swapBytes(aligned, bytesPer);
  const signed = info.pixelRepresentation === 1;
  const values: StoredArray =
    bytesPer === 1
      ? signed ? new Int8Array(aligned.buffer) : aligned
      : bytesPer === 2
        ? signed ? new Int16Array(aligned.buffer) : new Uint16Array(aligned.buffer)
        : signed ? new Int32Array(aligned.buffer) : new Uint32Array(aligned.buffer);
  if (info.bitsStored < info.bitsAllocated || options.shift > 0) maskStoredBits(values, info.bitsStored, options.shift, signed);
  return values;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

function maskStoredBits(values: StoredArray, bitsStored: number, shift: number, signed: boolean): void {
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  for (let i = 0; i < values.length; i++) {
    let v = (values[i]! >>> shift) & mask;
    if (signed && v & signBit) v -= mask + 1;
    values[i] = v;
  }
}
