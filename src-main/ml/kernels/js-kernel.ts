/**
 * Runs a kernel written in plain JavaScript over Float32Arrays on the cpu or
 * the wasm backend: on wasm the arrays are views of the tensors in the wasm
 * heap (no copies), on cpu the backend's own value arrays.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export type KernelArgs = { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown };

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** Calls `compute(inputs named by inputNames, fresh outputs of outShapes)` and returns the outputs. */
export function runJsKernel(args: KernelArgs, inputNames: string[], outShapes: number[][], compute: (inputs: Float32Array[], outputs: Float32Array[]) => void): TensorInfo[] {
  const inputs = inputNames.map((n) => args.inputs[n]!);
  if ('typedArrayFromHeap' in (args.backend as object)) {
    const backend = args.backend as BackendWasm;
    const outs = outShapes.map((s) => backend.makeOutput(s, 'float32'));
    // Views are taken after makeOutput: allocating may grow (and detach) the heap.
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    compute(inputs.map(view), outs.map(view));
    return outs;
  }
  const backend = args.backend as CpuBackend;
  const outs = outShapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
  compute(
    inputs.map((t) => backend.data.get(t.dataId).values),
    outs,
  );
  return outs.map((o, i) => backend.makeTensorInfo(outShapes[i]!, 'float32', o));
}
