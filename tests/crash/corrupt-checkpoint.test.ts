/**
 * A corrupted checkpoint (truncated weights, one flipped bit in the weights,
 * a config.json that is not JSON) gives a clear error naming the file and the
 * reason in every door that loads a checkpoint: resuming training (the
 * training job and its worker process), the embedding pass (in process and
 * `convirt embed`), evaluation (the frozen image encoder the eval worker
 * loads) and text search (the services every door shares). Nothing stored is
 * lost: the library's rows, the run's files and the stored vectors stay, find
 * similar keeps working, and once the file is restored every door works again.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, test } from 'node:test';
import type { Db } from '../../src-main/db/connection';
import { loadImageEncoder } from '../../src-main/eval/features/image-encoder';
import { startTrainJob } from '../../src-main/jobs/train-job';
import { useBackend } from '../../src-main/ml/backend/select';
import { embedCheckpoint } from '../../src-main/search/checkpoint-models';
import { createServices } from '../../src-main/services/index';
import type { SearchResponse } from '../../src-shared/contract/search';
import { runCli } from '../helpers/cli';
import { covidLibrary, covidSkip } from '../helpers/covid-library';
import { tempDir } from '../helpers/temp';
import { trainTinyCheckpoint } from '../search/tiny-checkpoint';

before(() => useBackend('cpu'));

interface Corruption {
  name: string;
  file: 'model.safetensors' | 'config.json';
  damage(bytes: Buffer): Buffer;
  reason: RegExp;
}

const CORRUPTIONS: Corruption[] = [
  { name: 'truncated weights', file: 'model.safetensors', damage: (b) => b.subarray(0, b.length - 100), reason: /is not a valid safetensors file: .*the file is truncated/ },
  {
    name: 'one flipped bit in the weights',
    file: 'model.safetensors',
    damage: (b) => {
      const copy = Buffer.from(b);
      copy[copy.length - 1000]! ^= 0x10;
      return copy;
    },
    reason: /is not a valid safetensors file: its tensor bytes do not match the checksum/,
  },
  { name: 'config.json that is not JSON', file: 'config.json', damage: (b) => b.subarray(0, Math.floor(b.length / 2)), reason: /is damaged: it is not valid JSON/ },
];

/** Written by each training worker while it runs: a lock, not stored work. */
const WORKER_PID = 'worker.pid';
const TABLES = ['studies', 'instances', 'reports', 'report_sentences', 'runs', 'checkpoints', 'metrics', 'embeddings'];

/** What the library holds: row counts per table, and the SHA-256 of every file of the run folder but the worker's pid file. */
function stored(db: Db, runDir: string): { rows: Record<string, number>; files: Record<string, string> } {
  const rows = Object.fromEntries(TABLES.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === WORKER_PID) continue;
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(runDir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(runDir);
  return { rows, files };
}

/** Every row count is kept or grown (a failed resume records its attempt) and every file is unchanged. */
function assertNothingLost(before: ReturnType<typeof stored>, after: ReturnType<typeof stored>, what: string): void {
  for (const [table, n] of Object.entries(before.rows)) assert.ok(after.rows[table]! >= n, `${what}: ${table} kept its ${n} rows (${after.rows[table]})`);
  for (const [file, hash] of Object.entries(before.files)) assert.equal(after.files[file], hash, `${what}: ${file} is unchanged`);
}

function assertNamed(error: unknown, file: string, reason: RegExp, door: string): void {
  const message = error instanceof Error ? error.message : String(error);
  assert.ok(message.includes(file), `${door}: the error names ${file}: ${message}`);
  assert.match(message, reason, `${door}: the error says why`);
}

test('a corrupted checkpoint is named with its reason by every door, and nothing stored is lost', { skip: covidSkip, timeout: 1_200_000 }, async () => {
  const dir = tempDir();
  const { db, path } = await covidLibrary(8, dir);
  const { runId, checkpoint } = await trainTinyCheckpoint(db, path);
  const { modelId } = await embedCheckpoint(db, path, checkpoint);
  const runDir = join(checkpoint, '..', '..');
  // A workstation opened on the library: it loads the query encoder on its first text search.
  const open = () => createServices(path, 'cli');
  const textSearch = (services: ReturnType<typeof open>) => services.dispatch('search:text', { text: 'pleural effusion', k: 3 });
  const firstImage = (db.prepare('SELECT min(id) AS id FROM instances').get() as { id: number }).id;

  for (const corruption of CORRUPTIONS) {
    const file = join(checkpoint, corruption.file);
    const original = readFileSync(file);
    writeFileSync(file, corruption.damage(original));
    const before = stored(db, runDir);
    const { name, reason } = corruption;

    await assert.rejects(embedCheckpoint(db, path, checkpoint), (e: unknown) => (assertNamed(e, file, reason, `${name}: embed`), true));
    assert.throws(() => loadImageEncoder({ kind: 'checkpoint', path: checkpoint }), (e: unknown) => (assertNamed(e, file, reason, `${name}: eval`), true));

    const services = open();
    const searched = await textSearch(services);
    assert.equal(searched.ok, false, `${name}: text search cannot embed the query`);
    if (!searched.ok) assertNamed(searched.error.message, file, reason, `${name}: search`);
    const similar = await services.dispatch('search:similar', { instanceId: firstImage, k: 3 });
    assert.ok(similar.ok && (similar.value as SearchResponse).modelId === modelId, `${name}: find similar still answers from the stored vectors`);
    services.close();

    let resumeError: unknown = null;
    try {
      const outcome = await startTrainJob({ db, libraryPath: path, resumeRunId: runId, backend: 'cpu' }).done;
      assert.equal(outcome.status, 'failed', `${name}: resume fails`);
      resumeError = outcome.error;
    } catch (error) {
      resumeError = error;
    }
    assertNamed(resumeError, file, reason, `${name}: resume training`);

    if (corruption.file === 'model.safetensors' && reason.source.includes('checksum')) {
      const cli = runCli(['embed', '--library', path, '--checkpoint', checkpoint, '--backend', 'cpu'], {}, 120_000);
      assert.equal(cli.status, 1, cli.stderr);
      assertNamed(cli.stderr, file, reason, `${name}: convirt embed`);
    }

    assertNothingLost(before, stored(db, runDir), name);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    writeFileSync(file, original);
  }

  const services = open();
  const restored = await textSearch(services);
  assert.ok(restored.ok && (restored.value as SearchResponse).hits.length === 3, 'with the file restored, search works again');
  assert.equal(loadImageEncoder({ kind: 'checkpoint', path: checkpoint }).features > 0, true);
  assert.deepEqual(await embedCheckpoint(db, path, checkpoint), { modelId, images: 0, sentences: 0, cancelled: false });
  services.close();
  db.close();
});
