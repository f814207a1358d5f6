/**
 * Seeded damage to DICOM files for robustness tests: truncation, flipped
 * bytes, huge or garbage length fields, deleted or zeroed chunks. Same seed,
 * same files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mulberry32 } from '../../src-shared/random';

/** A seeded generator, uniform in [0, 1). */
export const rng = mulberry32;

export const MUTATIONS = ['truncate', 'flip', 'length', 'delete', 'zero', 'header-flip'] as const;
export type Mutation = (typeof MUTATIONS)[number];

export function mutate(bytes: Uint8Array, kind: Mutation, random: () => number): Uint8Array {
  const at = (max: number) => Math.floor(random() * max);
  const out = Uint8Array.from(bytes);
  switch (kind) {
    case 'truncate':
      return out.subarray(0, at(bytes.length));
    case 'flip':
      for (let k = 0, n = 1 + at(20); k < n; k++) out[at(out.length)] = at(256);
      return out;
    case 'header-flip': {
      // Damage where the structure lives: the first 4 KiB (meta header and most tags).
      const span = Math.min(out.length, 4096);
      for (let k = 0, n = 1 + at(8); k < n; k++) out[at(span)] = at(256);
      return out;
    }
    case 'length': {
      // A 32-bit value somewhere in the header region becomes huge or random: a lying length field.
      const pos = at(Math.max(1, Math.min(out.length, 4096) - 4));
      new DataView(out.buffer).setUint32(pos, random() < 0.5 ? 0xfffffff0 : at(2 ** 32), true);
      return out;
    }
    case 'delete': {
      const start = at(out.length);
      const end = Math.min(out.length, start + 1 + at(2048));
      const shorter = new Uint8Array(out.length - (end - start));
      shorter.set(out.subarray(0, start));
      shorter.set(out.subarray(end), start);
      return shorter;
    }
    case 'zero': {
      const start = at(out.length);
      out.fill(0, start, Math.min(out.length, start + 1 + at(4096)));
      return out;
    }
  }
}

/** Writes `count` damaged copies of `sources` into `dir`; returns their paths. */
export function writeMutatedCopies(sources: readonly string[], dir: string, count: number, seed: number): string[] {
  const random = rng(seed);
  const originals = sources.map((s) => readFileSync(s));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = Math.floor(random() * sources.length);
    const kind = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!;
    const path = join(dir, `${String(i).padStart(4, '0')}-${kind}-${basename(sources[s]!)}`);
    writeFileSync(path, mutate(originals[s]!, kind, random));
    paths.push(path);
  }
  return paths;
}
