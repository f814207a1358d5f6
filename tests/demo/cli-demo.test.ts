// `convirt demo` as a user runs it (the built bin): generate, import with
// reports, reuse on a second run, refuse a foreign folder, serve the library.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const SMALL = ['--studies', '5', '--image-size', '96', '--seed', '3'];

test('demo generates an archive beside the library, imports images and reports, and reuses it next time', () => {
  const dir = tempDir();
  const lib = join(dir, 'demo.sqlite');
  const first = runCli(['demo', '--no-serve', '--json', '--library', lib, ...SMALL]);
  assert.equal(first.status, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  assert.equal(summary.archive, join(dir, 'demo-archive'));
  assert.equal(summary.generated, true);
  assert.equal(summary.studies, 5);
  assert.equal(summary.imported.added, summary.images);
  assert.equal(summary.imported.rejected, 0);
  assert.equal(summary.reports.attached, 5);
  assert.doesNotMatch(first.stderr, /demo archive \[|import +\[/, 'no progress bar with --json');
  const page = JSON.parse(runCli(['studies', '--library', lib, '--json']).stdout);
  assert.equal(page.total, 5);
  const again = JSON.parse(runCli(['demo', '--no-serve', '--json', '--library', lib, ...SMALL]).stdout);
  assert.equal(again.generated, false);
  assert.equal(again.imported.added, 0);
  assert.equal(again.reports.unchanged, 5);
  const human = runCli(['demo', '--no-serve', '--library', lib, ...SMALL]);
  assert.match(human.stdout, /\(reused\): \d+ patients, 5 studies/);
});

test('demo refuses an --out folder that is not the same archive, and bad numbers', () => {
  const dir = tempDir();
  const out = join(dir, 'something');
  mkdirSync(out);
  const r = runCli(['demo', '--no-serve', '--library', join(dir, 'l.sqlite'), '--out', out, ...SMALL]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /is not a demo archive/);
  const bad = runCli(['demo', '--no-serve', '--library', join(dir, 'l.sqlite'), '--studies', 'many']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--studies must be an integer/);
});

test('demo then serves the library in browser mode', async () => {
  const lib = join(tempDir(), 'demo.sqlite');
  const { info, stop } = await startCli(['demo', '--json', '--library', lib, ...SMALL]);
  try {
    assert.equal(info.library, lib);
    assert.match(info.url!, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    assert.equal((await fetch(info.url!, { redirect: 'manual' })).status, 303);
  } finally {
    await stop();
  }
});
