/**
 * Logs never carry patient names or IDs. Two guards:
 * - a real run: real DICOM files (one of them damaged) imported through the
 *   services every door shares, with the log file beside the library, then
 *   requests that carry the patient's name and ID in the places a careless
 *   log line would copy (channel name, payload, search text); no name, ID or
 *   accession number stored in the library may appear in any log file;
 * - every log call in src-main passes only reviewed scalar fields, so a new
 *   field holding free text fails here before it reaches a clinician's disk.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { logFileFor } from '../../src-main/library-path';
import { configureLog } from '../../src-main/log';
import { createServices } from '../../src-main/services/index';
import type { JobEvent } from '../../src-shared/contract/events';
import { copySharedDicom, NO_SHARED_DICOM } from '../ingest/shared-data';
import { tempDir } from '../helpers/temp';

const SRC_MAIN = join(__dirname, '..', '..', 'src-main');

/** Field names a log call may use; each was checked to hold a count, id, code, flag or fixed name, never patient text. */
const REVIEWED_FIELDS = new Set(['method', 'api', 'name', 'port', 'loopback', 'studiesAdded', 'rejected', 'code', 'length', 'channel', 'runId', 'instanceId', 'frame', 'trusted']);

/** Identifying values stored in the library, and their name components, long enough to be matched meaningfully. */
function identifiers(db: ReturnType<typeof createServices>['db']): string[] {
  const rows = db.prepare('SELECT p.patient_id AS id, p.patient_name AS name, s.accession_number AS accession FROM patients p JOIN studies s ON s.patient_id = p.id').all() as Record<string, string | null>[];
  const values = rows.flatMap((r) => [r.id, r.name, r.accession, ...(r.name ?? '').split(/[\^ ]/)]);
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim().length >= 4).map((v) => v.trim()))];
}

function logText(libraryPath: string): string {
  const dir = join(logFileFor(libraryPath), '..');
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('');
}

test('a real import with damaged files and requests carrying patient data leaves no name or ID in the logs', { skip: NO_SHARED_DICOM }, async () => {
  const dir = tempDir();
  const data = copySharedDicom(dir, 'chest');
  const damaged = join(data, 'damaged.dcm');
  const source = join(data, readdirSync(data).find((f) => f.endsWith('.dcm'))!);
  copyFileSync(source, damaged);
  writeFileSync(damaged, readFileSync(damaged).subarray(0, Math.floor(statSync(damaged).size / 3)));
  const libraryPath = join(dir, 'library.sqlite');
  const services = createServices(libraryPath, 'cli');
  try {
    const finished = new Promise<JobEvent>((resolve) => {
      services.events.subscribe((e) => {
        if (e.type === 'done' || e.type === 'failed') resolve(e);
      });
    });
    const started = await services.dispatch('library:startImport', { path: data });
    assert.ok(started.ok, JSON.stringify(started));
    assert.equal((await finished).type, 'done');

    const ids = identifiers(services.db);
    assert.ok(ids.length >= 2, `the imported files carry patient names or IDs (${ids.length})`);
    for (const id of ids.slice(0, 4)) {
      await services.dispatch(id, {});
      await services.dispatch('library:listStudies', { search: id, unexpected: id });
      await services.dispatch('library:getStudy', { studyId: id });
      await services.dispatch('search:text', { text: id });
    }

    const logs = logText(libraryPath);
    assert.match(logs, /"event":"import_job\.done"/, 'the run was logged');
    assert.match(logs, /"event":"dispatch\.(bad_request|unknown_channel)"/, 'the bad requests were logged');
    for (const id of ids) assert.equal(logs.toLowerCase().includes(id.toLowerCase()), false, `a log file contains the patient value "${id}"`);
  } finally {
    services.close();
    configureLog({ file: null });
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

test('every log call in src-main passes only reviewed scalar fields', () => {
  const calls: { file: string; fields: string }[] = [];
  for (const file of sourceFiles(SRC_MAIN)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\blog\.(?:info|warn|error)\(\s*'[\w.]+'\s*(?:,\s*\{([^}]*)\})?\s*\)/g)) calls.push({ file, fields: m[1] ?? '' });
    const all = text.match(/\blog\.(?:info|warn|error)\(/g)?.length ?? 0;
    const parsed = calls.filter((c) => c.file === file).length;
    assert.equal(parsed, all, `${file}: every log call has a literal event name and an object literal of fields`);
  }
  assert.ok(calls.length >= 10, `found the log calls (${calls.length})`);
  for (const { file, fields } of calls) {
    for (const part of fields.split(',').map((p) => p.trim()).filter(Boolean)) {
      const key = part.split(':')[0]!.trim();
      assert.ok(REVIEWED_FIELDS.has(key), `${file}: log field "${key}" is not reviewed; check it can never hold patient data, then add it to REVIEWED_FIELDS`);
    }
  }
});
