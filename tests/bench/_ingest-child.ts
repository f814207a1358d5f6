/**
 * One import in a fresh process, so its peak RSS is its own: prints one JSON
 * line {seconds, files, bytes, rejected, instances, maxRssMiB, cpuSeconds}.
 * Usage: node --import tsx tests/bench/_ingest-child.ts LIBRARY decode|nodecode PATH...
 */
import { dirname, join } from 'node:path';
import { openLibrary } from '../../src-main/db/connection';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { ImportStore } from '../../src-main/ingest/import-store';

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function main(): Promise<void> {
  const [library, mode, ...paths] = process.argv.slice(2);
  const db = openLibrary(library!);
  const decode = mode === 'decode';
  let bytes = 0;
  const summary = await importDicom(db, paths, { decode, cacheDir: decode ? join(dirname(library!), 'cache') : null, onProgress: (p) => (bytes = p.bytesTotal) });
  const counts = new ImportStore(db).counts();
  db.close();
  process.stdout.write(
    `${JSON.stringify({ seconds: summary.elapsedSeconds, files: summary.filesSeen, bytes, rejected: summary.rejected.length, instances: counts.instances, maxRssMiB: process.resourceUsage().maxRSS / 1024, cpuSeconds: cpuSeconds() })}\n`,
  );
}

void main();
