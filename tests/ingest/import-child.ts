/**
 * Runs one import in its own process, for the kill -9 test: prints
 * "done <n>" after each file so the parent can kill it mid-import.
 * Usage: node --import tsx tests/ingest/import-child.ts LIBRARY PATH...
 */
import { openLibrary } from '../../src-main/db/connection';
import { importDicom } from '../../src-main/ingest/import-pipeline';

const [library, ...paths] = process.argv.slice(2);
const db = openLibrary(library!);
void importDicom(db, paths, { decode: false, onProgress: (p) => process.stdout.write(`done ${p.filesDone}\n`) }).then(() => {
  db.close();
  process.stdout.write('finished\n');
});
