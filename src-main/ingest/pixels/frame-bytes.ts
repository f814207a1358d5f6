/** The encoded bytes of one frame, native or encapsulated. */
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { TAG, type PixelInfo } from '../dicom/metadata';
import { RejectedFile } from '../rejection';

export function frameBytes(ds: DataSet, info: PixelInfo, frameIndex: number): Uint8Array {
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= info.frames) {
    throw new RejectedFile('unreadable', `frame ${frameIndex} does not exist (the image has ${info.frames})`);
  }
  const el = ds.elements[TAG.pixelData];
  if (!el) throw new RejectedFile('no_pixel_data', 'the file has no Pixel Data element');
  if (info.syntax.encoding === 'native') {
    const frameSize = info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8);
    const start = el.dataOffset + frameIndex * frameSize;
    if (start + frameSize > ds.byteArray.length) throw new RejectedFile('truncated', `frame ${frameIndex} runs past the end of the file`);
    return ds.byteArray.subarray(start, start + frameSize);
  }
  const fragments = el.fragments ?? [];
  try {
    if (info.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
    if (el.basicOffsetTable && el.basicOffsetTable.length === info.frames) return dicomParser.readEncapsulatedImageFrame(ds, el, frameIndex);
    if (fragments.length === info.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frameIndex, 1);
    return dicomParser.readEncapsulatedImageFrame(ds, el, frameIndex, dicomParser.createJPEGBasicOffsetTable(ds, el));
  } catch (cause) {
    throw new RejectedFile('unreadable', `frame ${frameIndex} cannot be located in the compressed Pixel Data (${String((cause as Error)?.message ?? cause).slice(0, 120)})`);
  }
}
