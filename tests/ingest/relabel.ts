/**
 * Copies of real DICOM files as new studies: the Study, Series and SOP
 * Instance UIDs (and the meta header's copy) are rewritten in place with
 * same-length UIDs, so the bytes stay valid and each copy is a distinct study.
 */
import * as dicomParser from 'dicom-parser';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDicomBytes } from '../../src-main/ingest/dicom/open';

const UID_TAGS = ['x00020003', 'x00080018', 'x0020000d', 'x0020000e'];

/** A same-length variant of `uid` for copy `k` (k < 10^6). */
export function variantUid(uid: string, k: number): string {
  const tail = `9${String(k).padStart(6, '0')}`;
  return uid.length > tail.length + 2 ? uid.slice(0, uid.length - tail.length) + tail : uid;
}

export function relabel(bytes: Uint8Array, k: number): Uint8Array {
  const ds: dicomParser.DataSet = parseDicomBytes(bytes, { untilTag: 'x7fe00010' });
  const out = Uint8Array.from(bytes);
  for (const tag of UID_TAGS) {
    const el = ds.elements[tag];
    if (!el || el.length === 0) continue;
    const value = ds.string(tag)!.replace(/\0/g, '');
    const next = variantUid(value, k);
    for (let i = 0; i < next.length; i++) out[el.dataOffset + i] = next.charCodeAt(i);
  }
  return out;
}

/** Writes `copies` relabelled copies of `sources`, one folder per copy; returns the file paths. */
export function writeRelabelledCopies(sources: readonly string[], dir: string, copies: number): string[] {
  const originals = sources.map((s) => readFileSync(s));
  const paths: string[] = [];
  for (let k = 0; k < copies; k++) {
    const folder = join(dir, `copy-${String(k).padStart(4, '0')}`);
    mkdirSync(folder, { recursive: true });
    originals.forEach((bytes, i) => {
      const path = join(folder, `${String(i).padStart(3, '0')}-${basename(sources[i]!)}`);
      writeFileSync(path, relabel(bytes, k));
      paths.push(path);
    });
  }
  return paths;
}
