/**
 * The compressed-pixel codecs, all from npm and the same ones cornerstone3D
 * uses in the browser: libjpeg-turbo (baseline), CharLS (JPEG-LS), OpenJPEG
 * (JPEG 2000), OpenJPH (HTJ2K) as WebAssembly, and jpeg-lossless-decoder-js
 * (process 14). The WebAssembly modules load once, on first use. 12-bit JPEG
 * (process 4) is not here: the libjpeg-turbo build is 8-bit; see jpeg-extended.ts.
 */
import { Decoder as JpegLosslessDecoder } from 'jpeg-lossless-decoder-js';
import { RejectedFile } from '../rejection';

/** The common shape of the cornerstone codec decoders (emscripten classes). */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  delete(): void;
}
type WasmModule = Record<string, new () => WasmDecoder>;
type Factory = (options: { print: (s: string) => void; printErr: (s: string) => void }) => Promise<WasmModule>;

export type WasmCodec = 'jpeg-baseline' | 'jpeg-ls' | 'jpeg-2000' | 'htj2k';

const loaders: Record<WasmCodec, { load: () => Factory; className: string }> = {
  'jpeg-baseline': { load: () => require('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs') as Factory, className: 'JPEGDecoder' },
  'jpeg-ls': { load: () => require('@cornerstonejs/codec-charls/decodewasmjs') as Factory, className: 'JpegLSDecoder' },
  'jpeg-2000': { load: () => require('@cornerstonejs/codec-openjpeg/decodewasmjs') as Factory, className: 'J2KDecoder' },
  htj2k: { load: () => require('@cornerstonejs/codec-openjph') as Factory, className: 'HTJ2KDecoder' },
};

const modules = new Map<WasmCodec, Promise<WasmModule>>();

function loadModule(codec: WasmCodec): Promise<WasmModule> {
  let m = modules.get(codec);
  if (!m) {
    // OpenJPEG prints progress lines on stdout; the CLI's stdout is for --json only.
    m = loaders[codec].load()({ print: () => undefined, printErr: () => undefined });
    modules.set(codec, m);
  }
  return m;
}

export interface DecodedBytes {
  /** Decoded samples as bytes, little endian, interleaved when there are several components. */
  bytes: Uint8Array;
  width: number;
  height: number;
  bitsPerSample: number;
  components: number;
}

export async function decodeWasm(codec: WasmCodec, encoded: Uint8Array): Promise<DecodedBytes> {
  const module = await loadModule(codec);
  const decoder = new module[loaders[codec].className]!();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // The decoded buffer is a view into WebAssembly memory: copy before the decoder is freed.
    return { bytes: decoder.getDecodedBuffer().slice(), width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, components: info.componentCount };
  } catch (cause) {
    const message = typeof cause === 'number' ? `codec error ${cause}` : cause instanceof Error ? cause.message : String(cause);
    throw new RejectedFile('unreadable', `${codec} pixel data could not be decoded (${message.slice(0, 120)})`);
  } finally {
    decoder.delete();
  }
}

/** JPEG lossless, process 14 (any predictor, including selection value 1). */
export function decodeJpegLossless(encoded: Uint8Array, bytesPerSample: 1 | 2): Uint8Array {
  try {
    const copy = new Uint8Array(encoded); // a real copy: Buffer#slice would share the whole file's memory
    const out = new JpegLosslessDecoder().decode(copy.buffer, 0, copy.length, bytesPerSample);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    throw new RejectedFile('unreadable', `JPEG lossless pixel data could not be decoded (${String((cause as Error)?.message ?? cause).slice(0, 120)})`);
  }
}
