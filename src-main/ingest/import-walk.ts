/** The files an import will look at: every regular file under the given paths, sorted, each once. */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../src-shared/result';

export interface FoundFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
}

const SKIPPED_NAMES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

export function walkFiles(paths: readonly string[]): FoundFile[] {
  const found = new Map<string, FoundFile>();
  const visit = (path: string, top: boolean): void => {
    let stat;
    try {
      // Symlinked folders are not followed (they can loop); symlinked files are.
      stat = top ? statSync(path) : lstatSync(path).isSymbolicLink() ? statSync(path) : lstatSync(path);
    } catch (cause) {
      if (top) throw new AppError('not_found', `${path}: cannot read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { path });
      return;
    }
    if (stat.isDirectory()) {
      if (!top && lstatSync(path).isSymbolicLink()) return;
      let names: string[];
      try {
        names = readdirSync(path).sort();
      } catch {
        return;
      }
      for (const name of names) if (!name.startsWith('.') && !SKIPPED_NAMES.has(name)) visit(join(path, name), false);
    } else if (stat.isFile()) {
      found.set(path, { path, sizeBytes: stat.size, mtimeMs: stat.mtimeMs });
    }
  };
  for (const p of paths) visit(resolve(p), true);
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
