/**
 * Runs wasm kernels from inside another wasm kernel: each intermediate result
 * is recorded and released when the composite kernel finishes, except the one
 * it returns. Works on tfjs TensorInfo values (no tape, no engine bookkeeping).
 */
import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export class WasmScope {
  private readonly temporaries: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Calls the wasm kernel `name`; the result lives until `release` unless kept. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel ${name} is not registered`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.temporaries.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Zero padding where `pads[i] = [before, after]` is positive, cropping where negative. */
  padOrCrop(x: TensorInfo, pads: Array<[number, number]>): TensorInfo {
    const positive = pads.map(([a, b]) => [Math.max(0, a), Math.max(0, b)] as [number, number]);
    const padded = positive.some(([a, b]) => a > 0 || b > 0) ? this.run('PadV2', { x }, { paddings: positive, constantValue: 0 }) : x;
    if (!pads.some(([a, b]) => a < 0 || b < 0)) return padded;
    const begin = pads.map(([a]) => Math.max(0, -a));
    const size = padded.shape.map((dim, i) => dim - begin[i]! - Math.max(0, -pads[i]![1]));
    return this.run('Slice', { x: padded }, { begin, size });
  }

  /** Removes `out` from the temporaries so that `release` leaves it alive. */
  keep(out: TensorInfo): TensorInfo {
    const index = this.temporaries.indexOf(out);
    if (index >= 0) this.temporaries.splice(index, 1);
    return out;
  }

  release(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
    this.temporaries.length = 0;
  }
}

/** Builds a kernel body that runs in a fresh scope and releases everything but its result. */
export function composite(body: (scope: WasmScope, inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => TensorInfo) {
  return ({ inputs, attrs, backend }: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }): TensorInfo => {
    const scope = new WasmScope(backend as BackendWasm);
    try {
      return scope.keep(body(scope, inputs, attrs ?? {}));
    } finally {
      scope.release();
    }
  };
}
