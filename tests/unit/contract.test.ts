/** The contract: channel list in sync, schemas strict, results as values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHANNELS } from '../../src-shared/contract/channels';
import { channelsOf, contract, ListStudiesInput, lookupChannel } from '../../src-shared/contract/index';

test('the preload channel list equals the contract', () => {
  assert.deepEqual([...CHANNELS].sort(), channelsOf(contract).sort());
});

test('lookupChannel refuses unknown and prototype-polluting names', () => {
  assert.ok(lookupChannel('library:listStudies'));
  for (const bad of ['library:nope', 'nope:listStudies', 'library', '__proto__:toString', 'library:constructor', 'library:listStudies:x', '']) {
    assert.equal(lookupChannel(bad), null, bad);
  }
});

test('listStudies input fills defaults and rejects unknown or malformed fields', () => {
  const parsed = ListStudiesInput.parse({});
  assert.deepEqual(parsed, { offset: 0, limit: 100, sort: { field: 'studyDate', direction: 'desc' }, filters: {} });
  assert.equal(ListStudiesInput.safeParse({ limit: 0 }).success, false);
  assert.equal(ListStudiesInput.safeParse({ limit: 5000 }).success, false);
  assert.equal(ListStudiesInput.safeParse({ sort: { field: 'name; DROP TABLE studies', direction: 'asc' } }).success, false);
  assert.equal(ListStudiesInput.safeParse({ filters: { dateFrom: '2020/01/01' } }).success, false);
  assert.equal(ListStudiesInput.safeParse({ extra: 1 }).success, false);
});
