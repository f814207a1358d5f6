// The package ships no type declarations; this is the one method the decoder uses.
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** Decodes a JPEG lossless stream; `numBytes` is the output bytes per sample (1 or 2). */
    decode(buffer: ArrayBufferLike, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
