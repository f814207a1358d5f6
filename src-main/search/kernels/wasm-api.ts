/**
 * The few WebAssembly globals the search kernel uses, typed locally: the main
 * process compiles with lib ES2022 and no DOM, whose lib carries these types.
 */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
export type WasmModule = object;
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
