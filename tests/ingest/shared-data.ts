/** Where the shared real DICOM files are, and a skip message when they are absent. */
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_DICOM = resolve(__dirname, '..', '..', '..', 'shared', 'data', 'dicom');
export const NO_SHARED_DICOM: string | false = existsSync(SHARED_DICOM) ? false : `skipped: ${SHARED_DICOM} is absent (shared test data)`;

export function sharedFile(...parts: string[]): string {
  return join(SHARED_DICOM, ...parts);
}

/** Every file under a folder, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });
}

/** Copies the shared DICOM folder (or one subfolder) into `dest` so tests can touch the files. */
export function copySharedDicom(dest: string, sub = ''): string {
  const target = join(dest, sub || 'dicom');
  cpSync(join(SHARED_DICOM, sub), target, { recursive: true });
  return target;
}
