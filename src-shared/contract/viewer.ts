/**
 * The `viewer` service group: a study laid out for the viewer (stacks of
 * frames to scroll, the report with one sentence to highlight), and the
 * description of one frame's pixels as the pixel endpoint sends it.
 */
import { z } from 'zod';
import { StudyDetail } from './library';
import { method } from './method';

/** Which report sentence to highlight: its ordinal in the report, or (a part of) its text. */
export const HighlightRequest = z.union([
  z.object({ sentenceIndex: z.number().int().min(0) }).strict(),
  z.object({ text: z.string().min(1).max(4000) }).strict(),
]);
export type HighlightRequest = z.infer<typeof HighlightRequest>;

export const OpenStudyInput = z.object({ studyId: z.number().int().positive(), highlight: HighlightRequest.optional() }).strict();
export type OpenStudyInput = z.input<typeof OpenStudyInput>;

/** One displayable image: a frame of an instance. */
export const StackImage = z.object({
  instanceId: z.number().int(),
  /** 0-based frame index inside the instance. */
  frame: z.number().int().min(0),
  rows: z.number().int().nullable(),
  columns: z.number().int().nullable(),
});
export type StackImage = z.infer<typeof StackImage>;

/** A series as the viewer scrolls it: every frame of every instance, in instance order. */
export const ViewerStack = z.object({
  seriesId: z.number().int(),
  seriesNumber: z.number().int().nullable(),
  modality: z.string().nullable(),
  description: z.string().nullable(),
  images: z.array(StackImage),
});
export type ViewerStack = z.infer<typeof ViewerStack>;

export const ViewerStudy = z.object({
  study: StudyDetail,
  stacks: z.array(ViewerStack),
  /** Ordinal of the report sentence to highlight, or null. */
  highlightedSentence: z.number().int().nullable(),
});
export type ViewerStudy = z.infer<typeof ViewerStudy>;

export const PixelDataType = z.enum(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32']);
export type PixelDataType = z.infer<typeof PixelDataType>;

export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

interface PixelArrayClass {
  new (length: number): PixelArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): PixelArray;
  readonly BYTES_PER_ELEMENT: number;
}

/** The typed array for each PixelDataType: the services write frames with it, the renderer reads them back. */
export const PIXEL_ARRAYS: Record<PixelDataType, PixelArrayClass> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
};

const WindowValue = z.object({ center: z.number(), width: z.number().positive() });

/**
 * What the pixel endpoint sends beside the raw samples (little endian,
 * rows * columns * samplesPerPixel of `dataType`, interleaved): enough to turn
 * stored values into modality values and to window them.
 */
export const FrameMeta = z.object({
  instanceId: z.number().int(),
  frame: z.number().int(),
  frames: z.number().int().min(1),
  rows: z.number().int().min(1),
  columns: z.number().int().min(1),
  samplesPerPixel: z.union([z.literal(1), z.literal(3)]),
  dataType: PixelDataType,
  photometricInterpretation: z.string(),
  /** Modality value = slope * stored + intercept (HU for CT). */
  slope: z.number(),
  intercept: z.number(),
  /** Smallest and largest stored value of this frame. */
  minStored: z.number(),
  maxStored: z.number(),
  /** The window decodeFrame chose, in modality units: the file's VOI, else from percentiles. */
  window: WindowValue.extend({ source: z.enum(['voi', 'percentile']) }),
  /** MONOCHROME1: low values display bright. */
  invert: z.boolean(),
});
export type FrameMeta = z.infer<typeof FrameMeta>;

/** The response header that carries FrameMeta as JSON (ASCII only: no patient data goes in it). */
export const FRAME_META_HEADER = 'x-convirt-frame';

/** Relative URL of a frame's pixels, the same in browser mode (bridge) and Electron (app:// protocol). */
export function framePixelsPath(instanceId: number, frame: number): string {
  return `pixels/${instanceId}/${frame}`;
}

/**
 * Whether the viewer shows a frame's preview first: frames over a megapixel
 * (radiographs, mammograms) take longer to decode, send and draw than a click
 * should wait; CT / MR slices go straight to full resolution.
 */
export function wantsPreview(rows: number | null, columns: number | null): boolean {
  return rows !== null && columns !== null && rows * columns > 1024 * 1024;
}

/** Relative URL of a frame's preview: the same samples area-averaged to a longest side of 512 (the services' PREVIEW_SIDE), shown while the full frame loads. */
export function framePreviewPath(instanceId: number, frame: number): string {
  return `${framePixelsPath(instanceId, frame)}/preview`;
}

export const viewerContract = {
  openStudy: method(OpenStudyInput, ViewerStudy),
};
