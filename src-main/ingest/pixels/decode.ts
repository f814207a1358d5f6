/**
 * decodeFrame: the one entry point the viewer, the importer and the training
 * cache use to get pixels out of a DICOM file. Returns the stored values, the
 * modality values (rescaled; luminance for colour images) and a windowed
 * 8-bit rendering function.
 */
import type { DataSet } from 'dicom-parser';
import { readFileSync, statSync } from 'node:fs';
import { extractMetadata, type PixelInfo } from '../dicom/metadata';
import { parseDicomBytes } from '../dicom/open';
import { RejectedFile } from '../rejection';
import { decodeJpegLossless, decodeWasm, type DecodedBytes } from './codecs';
import { frameBytes } from './frame-bytes';
import { decodeJpegExtended, jpegPrecision } from './jpeg-extended';
import { decodeRle } from './rle';
import { toStoredValues, type StoredArray } from './stored-values';
import { chooseWindow, renderWindowed, type Window } from './window';

export interface DecodedFrame {
  frameIndex: number;
  frames: number;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /** After decoding: JPEG codecs deliver colour as RGB whatever the file says. */
  photometricInterpretation: string;
  bitsStored: number;
  signed: boolean;
  /** Stored values, rows * columns * samplesPerPixel, samples interleaved. */
  stored: StoredArray;
  /** Modality values (slope * stored + intercept), rows * columns; luminance for colour images. */
  modality: Float32Array;
  /** The file's VOI window, or one from the 0.5 / 99.5 percentiles of `modality`. */
  window: Window;
  /** MONOCHROME1: low values are bright, so the rendering inverts. */
  invert: boolean;
  /** 8-bit grayscale, rows * columns, through `window` unless another is given. */
  render8(window?: { center: number; width: number }): Uint8Array;
}

function bytesFromCodec(decoded: DecodedBytes, info: PixelInfo): { bytes: Uint8Array; info: PixelInfo } {
  if (decoded.width !== info.columns || decoded.height !== info.rows) {
    throw new RejectedFile('unreadable', `compressed frame is ${decoded.width}x${decoded.height}, the header says ${info.columns}x${info.rows}`);
  }
  const bytesPerSample = decoded.bitsPerSample > 8 ? 2 : 1;
  const needed = info.rows * info.columns * decoded.components * bytesPerSample;
  if (decoded.bytes.length < needed) throw new RejectedFile('unreadable', 'compressed frame decodes to fewer samples than the image has');
  return {
    bytes: decoded.bytes,
    info: {
      ...info,
      samplesPerPixel: decoded.components,
      bitsAllocated: bytesPerSample * 8,
      bitsStored: Math.min(info.bitsStored, bytesPerSample * 8),
      photometricInterpretation: decoded.components === 3 ? 'RGB' : info.photometricInterpretation,
    },
  };
}

/** Planar configuration 1 (RRR..GGG..BBB..) to interleaved (RGBRGB..), for 8-bit native colour. */
function interleave(bytes: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = bytes[c * pixels + p]!;
  return out;
}

async function storedValues(ds: DataSet, info: PixelInfo, frameIndex: number): Promise<{ stored: StoredArray; info: PixelInfo }> {
  const encoded = frameBytes(ds, info, frameIndex);
  const pixels = info.rows * info.columns;
  const nativeShift = Math.max(0, info.highBit + 1 - info.bitsStored);
  switch (info.syntax.encoding) {
    case 'native': {
      const bytes = info.samplesPerPixel === 3 && info.planarConfiguration === 1 && info.bitsAllocated === 8 ? interleave(encoded, pixels) : encoded;
      return { stored: toStoredValues(bytes, info, { bigEndian: info.syntax.bigEndian, shift: nativeShift }), info };
    }
    case 'rle': {
      const bytes = decodeRle(encoded, pixels, info.samplesPerPixel, info.bitsAllocated / 8);
      return { stored: toStoredValues(bytes, info, { bigEndian: false, shift: nativeShift }), info };
    }
    case 'jpeg-lossless': {
      const bytesPerSample = info.bitsAllocated <= 8 ? 1 : 2;
      const bytes = decodeJpegLossless(encoded, bytesPerSample);
      if (bytes.length < pixels * info.samplesPerPixel * bytesPerSample) throw new RejectedFile('unreadable', 'JPEG lossless frame decodes to fewer samples than the image has');
      return { stored: toStoredValues(bytes, { ...info, bitsAllocated: bytesPerSample * 8 }, { bigEndian: false, shift: 0 }), info };
    }
    case 'jpeg-extended':
    case 'jpeg-baseline': {
      // The frame header, not Bits Stored, says whether the samples are 12-bit (process 4).
      if ((jpegPrecision(encoded) ?? info.bitsStored) > 8) {
        const { samples, width, height } = decodeJpegExtended(encoded);
        const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
        const decoded = bytesFromCodec({ bytes, width, height, bitsPerSample: 12, components: 1 }, info);
        return { stored: toStoredValues(decoded.bytes, decoded.info, { bigEndian: false, shift: 0 }), info: decoded.info };
      }
      const decoded = bytesFromCodec(await decodeWasm('jpeg-baseline', encoded), info);
      return { stored: toStoredValues(decoded.bytes, decoded.info, { bigEndian: false, shift: 0 }), info: decoded.info };
    }
    case 'jpeg-ls':
    case 'jpeg-2000':
    case 'htj2k': {
      const decoded = bytesFromCodec(await decodeWasm(info.syntax.encoding, encoded), info);
      return { stored: toStoredValues(decoded.bytes, decoded.info, { bigEndian: false, shift: 0 }), info: decoded.info };
    }
  }
}

/** Rescaled values; colour images become luminance (Y of YBR, or Rec. 601 luma of RGB). */
export function modalityValues(stored: StoredArray, info: PixelInfo): Float32Array {
  const pixels = info.rows * info.columns;
  const out = new Float32Array(pixels);
  const { rescaleSlope: slope, rescaleIntercept: intercept } = info;
  if (info.samplesPerPixel === 1) {
    for (let i = 0; i < pixels; i++) out[i] = stored[i]! * slope + intercept;
  } else if (info.photometricInterpretation.startsWith('YBR')) {
    for (let i = 0; i < pixels; i++) out[i] = stored[i * 3]!;
  } else {
    for (let i = 0; i < pixels; i++) out[i] = 0.299 * stored[i * 3]! + 0.587 * stored[i * 3 + 1]! + 0.114 * stored[i * 3 + 2]!;
  }
  return out;
}

/** Decodes frame `frameIndex` of an already parsed data set. */
export async function decodeParsedFrame(ds: DataSet, pixelInfo: PixelInfo, frameIndex: number): Promise<DecodedFrame> {
  const { stored, info } = await storedValues(ds, pixelInfo, frameIndex);
  const modality = modalityValues(stored, info);
  const window = chooseWindow(modality, { center: info.windowCenter, width: info.windowWidth });
  const invert = info.photometricInterpretation === 'MONOCHROME1';
  return {
    frameIndex,
    frames: info.frames,
    rows: info.rows,
    columns: info.columns,
    samplesPerPixel: info.samplesPerPixel,
    photometricInterpretation: info.photometricInterpretation,
    bitsStored: info.bitsStored,
    signed: info.pixelRepresentation === 1,
    stored,
    modality,
    window,
    invert,
    render8: (w = window) => renderWindowed(modality, w, invert),
  };
}

/** The viewer scrolls through frames of one file: keep its parse for the next call. */
let lastParsed: { path: string; mtimeMs: number; size: number; ds: DataSet; info: PixelInfo } | null = null;

function parsedFile(path: string): { ds: DataSet; info: PixelInfo } {
  const stat = statSync(path);
  if (lastParsed && lastParsed.path === path && lastParsed.mtimeMs === stat.mtimeMs && lastParsed.size === stat.size) return lastParsed;
  const ds = parseDicomBytes(readFileSync(path));
  const info = extractMetadata(ds).pixels;
  lastParsed = { path, mtimeMs: stat.mtimeMs, size: stat.size, ds, info };
  return lastParsed;
}

/** Decodes one frame of a DICOM file (a path, or its bytes). Throws RejectedFile with a reason on bad input. */
export async function decodeFrame(source: string | Uint8Array, frameIndex = 0): Promise<DecodedFrame> {
  const { ds, info } = typeof source === 'string' ? parsedFile(source) : (() => {
    const parsed = parseDicomBytes(source);
    return { ds: parsed, info: extractMetadata(parsed).pixels };
  })();
  return decodeParsedFrame(ds, info, frameIndex);
}
