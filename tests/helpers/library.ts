import { join } from 'node:path';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { seedSampleLibrary } from '../../src-main/demo/sample-library';
import { tempDir } from './temp';

/** A real library file in a temp folder, seeded with sample studies. */
export function seededLibrary(studies = 30, seed = 7): { db: Db; path: string } {
  const path = join(tempDir(), 'library.sqlite');
  const db = openLibrary(path);
  seedSampleLibrary(db, { studies, seed });
  return { db, path };
}
