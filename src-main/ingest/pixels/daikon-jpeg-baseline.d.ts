// daikon ships no type declarations; these are the members the 12-bit JPEG decoder uses.
declare module 'daikon/lib/jpeg-baseline.js' {
  export class JpegImage {
    width: number;
    height: number;
    components: unknown[];
    /** Parses and decodes the whole JPEG stream (throws a string or an Error on bad data). */
    parse(data: Uint8Array): void;
    /** One-component samples at full precision (12-bit values for process 4), width * height. */
    getData16(width: number, height: number): Uint16Array;
  }
}
