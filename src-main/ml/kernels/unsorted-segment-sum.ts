/**
 * UnsortedSegmentSum for wasm (the gradient of an embedding gather): out[s] =
 * sum of x[i] over i with segmentIds[i] == s. x: [n, ...row], segmentIds: [n]
 * int32 (or a prefix of x's shape); out: [numSegments, ...row]. Negative or
 * out-of-range ids are dropped, as in TensorFlow. One pass over the heap.
 */
import { util, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export function unsortedSegmentSumWasm(args: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x!;
  const segmentIds = args.inputs.segmentIds!;
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  const rows = util.sizeFromShape(segmentIds.shape);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const rowSize = util.sizeFromShape(rowShape);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views are taken after makeOutput: allocating may grow (and detach) the heap.
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const sums = backend.typedArrayFromHeap(out);
  sums.fill(0);
  for (let i = 0; i < rows; i++) {
    const segment = ids[i]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) sums[to + j] = sums[to + j]! + values[from + j]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as KernelConfig['kernelFunc'],
};
