/**
 * safetensors files: 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}},
 * then the raw little-endian tensor bytes. Reads F32, F16, BF16, F64 and the
 * integer types (as float32 values); writes F32. Writes go to a temporary file
 * that is renamed into place, so a file is never half-written.
 *
 * Files written here carry the SHA-256 of their tensor bytes in the metadata
 * (DATA_CHECKSUM_KEY; other readers such as PyTorch's ignore it), and reading
 * such a file verifies it: a flipped bit or a damaged copy is named as such
 * instead of loading wrong weights. Files from elsewhere have no checksum.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { AppError } from '../../../src-shared/result';

export interface FloatTensor {
  shape: number[];
  /** Values in row-major order (PyTorch layout), converted to float32. */
  data: Float32Array;
  /** The dtype stored in the file. */
  dtype: string;
}

export interface SafetensorsFile {
  tensors: Map<string, FloatTensor>;
  metadata: Record<string, string>;
}

/** Metadata key holding the hex SHA-256 of the bytes after the header; parse checks and removes it. */
export const DATA_CHECKSUM_KEY = 'convirt.data_sha256';

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

function bad(path: string, reason: string): never {
  throw new AppError('bad_request', `${path} is not a valid safetensors file: ${reason}`);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(bytes: Buffer, dtype: string, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  const bf16 = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'F32': out[i] = view.getFloat32(i * 4, true); break;
      case 'F64': out[i] = view.getFloat64(i * 8, true); break;
      case 'F16': out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
      case 'BF16': bf16[i] = view.getUint16(i * 2, true) << 16; break;
      case 'I64': out[i] = Number(view.getBigInt64(i * 8, true)); break;
      case 'I32': out[i] = view.getInt32(i * 4, true); break;
      case 'I16': out[i] = view.getInt16(i * 2, true); break;
      case 'I8': out[i] = view.getInt8(i); break;
      default: out[i] = view.getUint8(i); break;
    }
  }
  return out;
}

/** Parses a safetensors buffer; `path` only names the file in errors. */
export function parseSafetensors(buffer: Buffer, path = 'buffer'): SafetensorsFile {
  if (buffer.length < 8) bad(path, 'shorter than its 8-byte header length');
  const headerLength = Number(buffer.readBigUInt64LE(0));
  if (headerLength > buffer.length - 8) bad(path, `header length ${headerLength} exceeds the file size`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buffer.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  } catch {
    bad(path, 'header is not JSON');
  }
  const dataStart = 8 + headerLength;
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number; count: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = { ...(entry as Record<string, string>) };
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const size = BYTES[dtype];
    if (size === undefined) bad(path, `tensor ${name} has unsupported dtype ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (end - begin !== count * size) bad(path, `tensor ${name} has offsets ${begin}-${end} that do not fit its shape [${shape.join(', ')}] ${dtype}`);
    if (dataStart + end > buffer.length) bad(path, `tensor ${name} has offsets ${begin}-${end} past the end of the file (${buffer.length} bytes): the file is truncated`);
    entries.push({ name, dtype, shape, begin, end, count });
  }
  const expected = metadata[DATA_CHECKSUM_KEY];
  if (expected !== undefined) {
    const actual = createHash('sha256').update(buffer.subarray(dataStart)).digest('hex');
    if (actual !== expected) bad(path, 'its tensor bytes do not match the checksum written with them (a damaged copy or a flipped bit on disk)');
    delete metadata[DATA_CHECKSUM_KEY];
  }
  const tensors = new Map<string, FloatTensor>();
  for (const { name, dtype, shape, begin, end, count } of entries) {
    tensors.set(name, { shape, dtype, data: decode(buffer.subarray(dataStart + begin, dataStart + end), dtype, count) });
  }
  return { tensors, metadata };
}

export function readSafetensors(path: string): SafetensorsFile {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    throw new AppError('not_found', `cannot read weights file ${path}: ${(error as Error).message}`);
  }
  return parseSafetensors(buffer, path);
}

/** Serialises float32 tensors (sorted by name, 8-byte aligned header) to one buffer. */
export function serializeSafetensors(tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata: Record<string, string> = {}): Buffer {
  const names = [...tensors.keys()].sort();
  const checksum = createHash('sha256');
  const entries: Record<string, unknown> = {};
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors.get(name)!;
    if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new AppError('bad_request', `tensor ${name}: shape [${shape.join(', ')}] does not match ${data.length} values`);
    entries[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.length * 4] };
    checksum.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    offset += data.length * 4;
  }
  const header = { __metadata__: { ...metadata, [DATA_CHECKSUM_KEY]: checksum.digest('hex') }, ...entries };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    // Float32Array is little-endian on every platform Node ships for.
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, at);
    at += data.byteLength;
  }
  return out;
}

/** Writes a safetensors file atomically: temporary file, fsync, rename. */
export function writeSafetensors(path: string, tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata: Record<string, string> = {}): void {
  const bytes = serializeSafetensors(tensors, metadata);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
