/** DICOMweb import against a real Orthanc with its DICOMweb plugin (Debian orthanc, orthanc-dicomweb) on loopback. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { importDicomWeb, parseMultipartRelated } from '../../src-main/ingest/import-dicomweb';
import { ImportStore } from '../../src-main/ingest/import-store';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { filesUnder, NO_SHARED_DICOM, SHARED_DICOM } from './shared-data';

const ORTHANC = '/usr/sbin/Orthanc';
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startOrthanc(dir: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const storage = join(dir, 'orthanc-db');
  mkdirSync(storage);
  const config = join(dir, 'orthanc.json');
  writeFileSync(
    config,
    JSON.stringify({
      Name: 'convirt-test',
      StorageDirectory: storage,
      IndexDirectory: storage,
      HttpPort: port,
      HttpBindAddress: '127.0.0.1',
      DicomServerEnabled: false,
      RemoteAccessAllowed: false,
      AuthenticationEnabled: false,
      Plugins: [DICOMWEB_PLUGIN],
      DicomWeb: { Enable: true, Root: '/dicom-web/' },
    }),
  );
  const child = spawn(ORTHANC, [config], { stdio: 'ignore' });
  after(() => {
    child.kill('SIGTERM');
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited with ${child.exitCode}; is the Debian package orthanc installed?`);
    try {
      if ((await fetch(`${url}/system`)).ok) return { url, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Orthanc did not start within 10 s');
}

test('multipart/related parsing keeps each part byte for byte', () => {
  const a = Buffer.from([0, 1, 2, 13, 10, 45, 45, 3]);
  const b = Buffer.from('DICM\r\n\r\nbody');
  const body = Buffer.concat([
    Buffer.from('--xyz\r\nContent-Type: application/dicom\r\n\r\n'),
    a,
    Buffer.from('\r\n--xyz\r\nContent-Type: application/dicom\r\n\r\n'),
    b,
    Buffer.from('\r\n--xyz--\r\n'),
  ]);
  assert.deepEqual(parseMultipartRelated(body, 'multipart/related; type="application/dicom"; boundary=xyz'), [a, b]);
});

test('import --dicomweb from a real Orthanc: every stored instance comes back byte for byte, and a second import retrieves nothing', { skip: NO_SHARED_DICOM, timeout: 180_000 }, async () => {
  const dir = tempDir();
  const orthanc = await startOrthanc(dir);
  const originals = new Set<string>();
  // Every shared file but the three 7 MB WG04 chest images, which add time and no new code path.
  for (const file of filesUnder(SHARED_DICOM).filter((f) => !/WG04/.test(f))) {
    const bytes = readFileSync(file);
    originals.add(createHash('sha256').update(bytes).digest('hex'));
    const r = await fetch(`${orthanc.url}/instances`, { method: 'POST', body: bytes });
    assert.ok(r.ok, `Orthanc refused ${file}: HTTP ${r.status}`);
  }
  const stats = (await (await fetch(`${orthanc.url}/statistics`)).json()) as { CountInstances: number; CountStudies: number };

  const db = openLibrary(join(dir, 'lib.sqlite'));
  const first = await importDicomWeb(db, `${orthanc.url}/dicom-web`, { storeDir: join(dir, 'retrieved'), pageSize: 5 });
  assert.equal(first.studiesFound, stats.CountStudies);
  assert.deepEqual(first.rejected, []);
  const counts = new ImportStore(db).counts();
  assert.equal(counts.instances, stats.CountInstances);
  assert.equal(counts.studies, stats.CountStudies);
  const hashes = db.prepare('SELECT content_hash FROM instances').all() as { content_hash: string }[];
  for (const { content_hash } of hashes) assert.ok(originals.has(content_hash), 'a retrieved file differs from every uploaded one');

  const second = await importDicomWeb(db, `${orthanc.url}/dicom-web`, { storeDir: join(dir, 'retrieved') });
  assert.equal(second.studiesRetrieved, 0);
  assert.deepEqual(new ImportStore(db).counts(), counts);
  db.close();

  const cli = runCli(['import', '--dicomweb', `${orthanc.url}/dicom-web`, '--library', join(dir, 'cli.sqlite'), '--json']);
  assert.equal(cli.status, 0, cli.stderr);
  const out = JSON.parse(cli.stdout) as { instances: number; studies: number; rejected: unknown[] };
  assert.deepEqual([out.instances, out.studies, out.rejected], [counts.instances, counts.studies, []]);
});
