/** The viewer's and the labeller's pure parts: windows, presets, key maps, CheXpert CSV cells. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CHEXPERT_OBSERVATIONS, CHEXPERT_VALUE_KEYS } from '../../src-shared/contract/labels';
import type { FrameMeta } from '../../src-shared/contract/viewer';
import { robustRange } from '../../src-main/ingest/pixels/window';
import { chexpertCsv, chexpertValueOf } from '../../src-main/services/labels-csv';
import { labelActionForKey } from '../../src-renderer/components/viewer/label-keys';
import { actionForKey } from '../../src-renderer/lib/cornerstone/commands';
import { EMPTY_CONFIG } from '../../src-renderer/lib/keys/bindings';
import { autoWindow, dragWindow, presetsFor } from '../../src-renderer/lib/cornerstone/windowing';

const meta = (over: Partial<FrameMeta> = {}): FrameMeta => ({
  instanceId: 1,
  frame: 0,
  frames: 1,
  rows: 1,
  columns: 1,
  samplesPerPixel: 1,
  dataType: 'int16',
  photometricInterpretation: 'MONOCHROME2',
  slope: 1,
  intercept: 0,
  minStored: 0,
  maxStored: 1,
  window: { center: 40, width: 400, source: 'voi' },
  invert: false,
  ...over,
});

test('the auto window matches the importer percentiles on the same modality values', () => {
  // A CT-like frame: stored 0..3999 with slope 1, intercept -1024 (HU), denser at low values; a
  // pseudo-random sequence, so that the importer's strided sample sees the same distribution.
  const stored = new Int16Array(200_000);
  let seed = 12345;
  for (let i = 0; i < stored.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    stored[i] = Math.floor(4000 * (seed / 2147483648) ** 2);
  }
  let [min, max] = [Infinity, -Infinity];
  for (const v of stored) [min, max] = [Math.min(min, v), Math.max(max, v)];
  const hu = Float32Array.from(stored, (v) => v - 1024);
  const { low, high } = robustRange(hu);
  const w = autoWindow(stored, meta({ slope: 1, intercept: -1024, minStored: min, maxStored: max }));
  // Within 1% of the range: the importer samples at most 2^16 values, the viewer counts them all.
  assert.ok(Math.abs(w.center - (low + high) / 2) <= 40, `${w.center} vs ${(low + high) / 2}`);
  assert.ok(Math.abs(w.width - (high - low)) <= 40, `${w.width} vs ${high - low}`);
});

test('a flat frame gets a window of at least 1 around its value', () => {
  assert.deepEqual(autoWindow(new Uint16Array(10).fill(7), meta({ minStored: 7, maxStored: 7, slope: 2, intercept: 1 })), { center: 15, width: 2 });
});

test('drag: right widens, down raises the level, in steps of 1/512 of the range; width stays positive', () => {
  assert.deepEqual(dragWindow({ center: 100, width: 400 }, 10, -5, 5120), { center: 50, width: 500 });
  assert.equal(dragWindow({ center: 0, width: 10 }, -1000, 0, 512).width, 1);
});

test('CT gets lung, mediastinum and bone presets in HU; every image gets its own VOI window', () => {
  assert.deepEqual(
    presetsFor('CT', meta()).map((p) => [p.id, p.width, p.center, p.key]),
    [['lung', 1500, -600, '1'], ['mediastinum', 350, 50, '2'], ['bone', 1800, 400, '3'], ['file', 400, 40, '4']],
  );
  assert.deepEqual(presetsFor('CR', meta({ window: { center: 1, width: 2, source: 'percentile' } })), []);
  assert.deepEqual(presetsFor('DX', meta()).map((p) => p.id), ['file']);
});

const chexpert = { id: 1, keys: CHEXPERT_VALUE_KEYS, values: ['positive', 'negative', 'uncertain'] };

test('viewer and label keys do not overlap, and modifier chords are left to the browser', () => {
  const keys = 'abcdefghijklmnopqrstuvwxyz0123456789[],./+-='.split('');
  for (const key of keys) {
    const both = actionForKey({ key, ctrlKey: false, metaKey: false, altKey: false }) && labelActionForKey({ key, ctrlKey: false, metaKey: false, altKey: false }, chexpert, EMPTY_CONFIG);
    assert.equal(both, null, `key ${key} is taken twice`);
  }
  assert.equal(actionForKey({ key: 'r', ctrlKey: true, metaKey: false, altKey: false }), null);
  assert.deepEqual(labelActionForKey({ key: 'z', ctrlKey: true, metaKey: false, altKey: false }, chexpert, EMPTY_CONFIG), { kind: 'undo' });
  assert.deepEqual(labelActionForKey({ key: 'x', ctrlKey: false, metaKey: false, altKey: false }, chexpert, EMPTY_CONFIG), { kind: 'value', value: null });
  assert.deepEqual(labelActionForKey({ key: 'P', ctrlKey: false, metaKey: false, altKey: false }, chexpert, EMPTY_CONFIG), { kind: 'value', value: 'positive' });
});

test('CheXpert cells: 1 / 0 / -1 / empty, anything else invalid; the CSV reads back with csv-parse', () => {
  assert.deepEqual(['1', '1.0', '0', '0.0', '-1', '-1.0', ' ', 'yes', '2'].map(chexpertValueOf), ['positive', 'positive', 'negative', 'negative', 'uncertain', 'uncertain', null, undefined, undefined]);
  const csv = chexpertCsv(CHEXPERT_OBSERVATIONS, [
    { studyUid: '1.2.3', values: new Map([['Edema', 'positive'], ['Fracture', 'uncertain']]) },
    { studyUid: 'uid, "quoted"', values: new Map([['No Finding', 'negative']]) },
  ]);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  assert.deepEqual([rows[0]!.study_uid, rows[0]!.Edema, rows[0]!.Fracture, rows[0]!['No Finding']], ['1.2.3', '1.0', '-1.0', '']);
  assert.deepEqual([rows[1]!.study_uid, rows[1]!['No Finding']], ['uid, "quoted"', '0.0']);
});
