/** The dispatcher every door shares: validation in and out, errors as values. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDispatcher } from '../../src-main/services/dispatch';
import { createServices } from '../../src-main/services/index';
import type { ServiceImpl } from '../../src-shared/contract/index';
import { AppError } from '../../src-shared/result';
import { seedSampleLibrary } from '../../src-main/demo/sample-library';
import { tempDir } from '../helpers/temp';

const services = createServices(join(tempDir(), 'lib.sqlite'), 'cli');
seedSampleLibrary(services.db, { studies: 12, seed: 3 });

test('a valid call returns ok with a value that matches the schema', async () => {
  const result = await services.dispatch('library:listStudies', { limit: 5 });
  assert.equal(result.ok, true);
  if (result.ok) assert.equal((result.value as { items: unknown[] }).items.length, 5);
});

test('an unknown channel is an error value, not an exception', async () => {
  const result = await services.dispatch('library:dropEverything', {});
  assert.deepEqual(result.ok, false);
  if (!result.ok) assert.equal(result.error.code, 'unknown_channel');
});

test('a malformed payload is a bad_request naming the bad field', async () => {
  const result = await services.dispatch('library:listStudies', { limit: 'lots' });
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.error.code, 'bad_request');
    assert.match(JSON.stringify(result.error.details), /limit/);
  }
});

test('an AppError thrown by a service crosses as its code', async () => {
  const result = await services.dispatch('library:getStudy', { id: 424242 });
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.error.code, 'not_found');
});

test('an output that breaks the schema is caught, and an exception becomes internal', async () => {
  const broken = {
    library: {
      listStudies: () => ({ total: 'many' }),
      getStudy: () => {
        throw new Error('boom');
      },
      stats: () => {
        throw new AppError('cancelled', 'stopped');
      },
    },
    system: { info: () => ({}) },
  } as unknown as ServiceImpl;
  const dispatch = createDispatcher(broken);
  const bad = await dispatch('library:listStudies', {});
  assert.ok(!bad.ok && bad.error.code === 'internal');
  const thrown = await dispatch('library:getStudy', { id: 1 });
  assert.ok(!thrown.ok && thrown.error.code === 'internal' && /boom/.test(thrown.error.message));
  const app = await dispatch('library:stats', {});
  assert.ok(!app.ok && app.error.code === 'cancelled');
});

test('system:info reports the library path, schema and a backend choice', async () => {
  const result = await services.dispatch('system:info', {});
  assert.ok(result.ok);
  const info = result.value as { libraryPath: string; schemaVersion: number; ml: { chosen: string; candidates: unknown[] } };
  assert.equal(info.libraryPath, services.libraryPath);
  assert.ok(info.schemaVersion >= 1);
  assert.equal(info.ml.candidates.length, 4);
});
