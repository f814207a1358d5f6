/** Logs rotate at their size limit and keep a bounded number of old files. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configureLog, log } from '../../src-main/log';
import { tempDir } from '../helpers/temp';

test('the log rotates at maxBytes and keeps `keep` old files', () => {
  const file = join(tempDir(), 'logs', 'convirt.log');
  configureLog({ file, quiet: true, maxBytes: 2000, keep: 2 });
  for (let i = 0; i < 200; i++) log.info('test.event', { i, note: 'x'.repeat(20) });
  assert.ok(statSync(file).size <= 2000);
  assert.ok(existsSync(`${file}.1`) && existsSync(`${file}.2`));
  assert.equal(existsSync(`${file}.3`), false);
  const last = readFileSync(file, 'utf8').trim().split('\n').pop()!;
  assert.equal(JSON.parse(last).i, 199);
  const older = readFileSync(`${file}.1`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).i as number);
  const newest = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).i as number);
  assert.equal(older[older.length - 1]! + 1, newest[0]);
  configureLog({ file: null });
});
