/** The `convirt` command line as a user runs it: the built bin, real library files. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const COMMANDS = ['serve', 'demo', 'import', 'pretrain', 'eval', 'search', 'export'];

test('--help lists the commands', () => {
  const { status, stdout } = runCli(['--help']);
  assert.equal(status, 0);
  for (const c of COMMANDS) assert.match(stdout, new RegExp(`^\\s+${c}\\b`, 'm'), c);
});

test('every command has --help with --library and --json', () => {
  for (const c of COMMANDS) {
    const { status, stdout } = runCli([c, '--help']);
    assert.equal(status, 0, c);
    assert.match(stdout, /--library <path>/, c);
    assert.match(stdout, /--json/, c);
  }
});

test('export labels writes the CheXpert CSV of a library, to stdout or a file, and refuses what it cannot export', () => {
  const dir = tempDir();
  const lib = join(dir, 'lib.sqlite');
  const plain = runCli(['export', 'labels', '--library', lib]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /^study_uid,No Finding,Enlarged Cardiomediastinum,.*,Support Devices\n$/);
  const out = join(dir, 'labels.csv');
  const json = runCli(['export', 'labels', '--library', lib, '--out', out, '--json']);
  assert.deepEqual(JSON.parse(json.stdout), { schema: 'CheXpert', rows: 0, out });
  assert.equal(readFileSync(out, 'utf8'), plain.stdout);
  const bad = runCli(['export', 'embeddings', '--library', lib]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /only "labels"/);
});

test('demo seeds a library that studies lists, by --library and by $CONVIRT_LIBRARY', () => {
  const lib = join(tempDir(), 'lib.sqlite');
  const seeded = runCli(['demo', '--no-serve', '--no-train', '--library', lib, '--studies', '25', '--image-size', '64', '--json']);
  assert.equal(seeded.status, 0, seeded.stderr);
  const page = JSON.parse(runCli(['studies', '--library', lib, '--json', '--limit', '10']).stdout);
  assert.equal(page.total, 25);
  assert.equal(page.items.length, 10);
  const viaEnv = JSON.parse(runCli(['studies', '--json'], { CONVIRT_LIBRARY: lib }).stdout);
  assert.equal(viaEnv.total, 25);
  const human = runCli(['studies', '--library', lib, '--limit', '3', '--sort', 'patientId']);
  assert.match(human.stdout, /\b[1-5]\d{7}\b/); // synthetic MIMIC-style subject ids: 10,000,000 plus up to 40 million
  assert.match(human.stdout, /1-3 of 25/);
});

test('a library file that is not SQLite gives a clear error naming it', () => {
  const bad = join(tempDir(), 'holiday.jpg');
  writeFileSync(bad, Buffer.alloc(4096, 0xff));
  const r = runCli(['info', '--library', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /holiday\.jpg is not a ConVIRT library/);
});

test('serve prints a URL that needs its token, and refuses a remote interface without --allow-remote', async () => {
  const lib = join(tempDir(), 'lib.sqlite');
  const { info, stop } = await startCli(['serve', '--library', lib, '--json']);
  try {
    assert.match(info.url!, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    assert.equal((await fetch(info.origin!)).status, 401);
    assert.equal((await fetch(info.url!, { redirect: 'manual' })).status, 303);
  } finally {
    await stop();
  }
  const remote = runCli(['serve', '--library', lib, '--host', '0.0.0.0']);
  assert.equal(remote.status, 2);
  assert.match(remote.stderr, /loopback-only/);
});
