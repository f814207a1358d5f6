/**
 * Archive-map layouts kept on disk beside the library, one JSON file per
 * embedded model (a checkpoint's vectors), so a restarted workstation draws
 * the map at once instead of recomputing UMAP. A file holds the key it was
 * computed for (model, vector rows, points, seed); any other key is a miss.
 * Written to a temporary name and renamed, so a reader never sees half a file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface StoredLayout {
  key: string;
  studies: number;
  studyIds: number[];
  xy: [number, number][];
}

/** `<library folder>/<library name>.maps`, like the runs folder; null for an in-memory library. */
export function mapCacheDirFor(libraryPath: string): string | null {
  if (libraryPath === ':memory:') return null;
  return join(dirname(libraryPath), `${basename(libraryPath, extname(libraryPath))}.maps`);
}

function fileFor(dir: string, modelId: string): string {
  return join(dir, `${createHash('sha256').update(modelId).digest('hex').slice(0, 32)}.json`);
}

export function readStoredLayout(dir: string, modelId: string, key: string): StoredLayout | null {
  const file = fileFor(dir, modelId);
  if (!existsSync(file)) return null;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredLayout;
    return stored.key === key && stored.studyIds.length === stored.xy.length ? stored : null;
  } catch {
    // Unreadable (a disk error, a hand edit): recompute and write it again.
    return null;
  }
}

export function writeStoredLayout(dir: string, modelId: string, layout: StoredLayout): void {
  mkdirSync(dir, { recursive: true });
  const file = fileFor(dir, modelId);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(layout));
  renameSync(temporary, file);
}
