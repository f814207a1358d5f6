/**
 * Who and when: synthetic patients, study dates, accession numbers and DICOM
 * UIDs, all derived from the archive seed so the same seed gives the same
 * archive. UIDs use the 2.25 root (a UUID-derived decimal, PS3.5 B.2).
 */
import type { Rng } from './random';

export function uid(rng: Rng): string {
  let value = 0n;
  for (let i = 0; i < 4; i++) value = (value << 32n) | BigInt(Math.floor(rng() * 4294967296));
  return `2.25.${value.toString()}`;
}

/** A MIMIC-CXR style dicom_id: five dash-separated groups of 8 hex digits. */
export function dicomId(rng: Rng): string {
  return Array.from({ length: 5 }, () => Math.floor(rng() * 4294967296).toString(16).padStart(8, '0')).join('-');
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

export function formatTime(rng: Rng): string {
  const seconds = rng.int(7 * 3600, 22 * 3600);
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  return [hh, mm, ss].map((v) => String(v).padStart(2, '0')).join('');
}

/** The MIMIC-CXR folder of a subject: files/p10/p10000032. */
export function subjectFolder(subjectId: number): string {
  const s = String(subjectId);
  return `files/p${s.slice(0, 2)}/p${s}`;
}
