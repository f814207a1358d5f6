/** Configurable keys (src-renderer/lib/keys/bindings.ts): overrides, per-schema value keys, image key translation, conflicts, stored form. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelActionForKey } from '../../src-renderer/components/viewer/label-keys';
import { conflicts, EMPTY_CONFIG, keyOf, parseKeyConfig, translateImageKey, valueForKey, type KeyConfig } from '../../src-renderer/lib/keys/bindings';

const press = (key: string) => ({ key, ctrlKey: false, metaKey: false, altKey: false });
const binary = { id: 7, keys: { present: 'e', absent: 'a' }, values: ['present', 'absent'] };

test('a user schema\'s own keys set its values, and a person can override them per schema', () => {
  assert.deepEqual(labelActionForKey(press('e'), binary, EMPTY_CONFIG), { kind: 'value', value: 'present' });
  assert.deepEqual(labelActionForKey(press('A'), binary, EMPTY_CONFIG), { kind: 'value', value: 'absent' }, 'Shift does not matter');
  const config: KeyConfig = { bindings: {}, valueKeys: { '7': { present: 'q' } } };
  assert.equal(valueForKey(config, binary, 'q'), 'present');
  assert.equal(valueForKey(config, binary, 'e'), undefined, 'the old key no longer sets it');
  assert.equal(valueForKey(config, { ...binary, id: 8 }, 'e'), 'present', 'another schema keeps its keys');
});

test('label commands follow their bindings; Enter accepts suggestions by default', () => {
  assert.deepEqual(labelActionForKey(press('Enter'), binary, EMPTY_CONFIG), { kind: 'accept' });
  assert.deepEqual(labelActionForKey(press('j'), binary, EMPTY_CONFIG), { kind: 'focus', delta: 1 });
  const config: KeyConfig = { bindings: { nextLabel: 'l', acceptSuggestions: 'g' }, valueKeys: {} };
  assert.deepEqual(labelActionForKey(press('l'), binary, config), { kind: 'focus', delta: 1 });
  assert.equal(labelActionForKey(press('j'), binary, config), null);
  assert.deepEqual(labelActionForKey(press('g'), binary, config), { kind: 'accept' });
  assert.equal(keyOf(config, 'previousLabel'), 'k');
});

test('image keys: a rebound action answers its new key, its old key does nothing, others pass through', () => {
  const config: KeyConfig = { bindings: { 'image:i': 'b' }, valueKeys: {} };
  assert.equal(translateImageKey(config, 'b'), 'i');
  assert.equal(translateImageKey(config, 'i'), null);
  assert.equal(translateImageKey(config, 'r'), 'r');
  assert.equal(translateImageKey(config, '3'), '3', 'window presets are not rebound');
});

test('conflicts name every action sharing a key, value keys included', () => {
  // "a" is the default auto-window key and the binary schema's "absent".
  assert.deepEqual(conflicts(EMPTY_CONFIG, binary).get('a'), ['auto window from percentiles', 'value "absent"']);
  assert.equal(conflicts(EMPTY_CONFIG, null).size, 0, 'the default bindings do not clash');
  assert.deepEqual([...conflicts({ bindings: { undo: 'j' }, valueKeys: {} }, null).keys()], ['j']);
});

test('a stored config reads back, and a damaged one falls back to the defaults', () => {
  const config: KeyConfig = { bindings: { undo: 'y' }, valueKeys: { '3': { yes: '1' } } };
  assert.deepEqual(parseKeyConfig(JSON.stringify(config)), config);
  assert.deepEqual(parseKeyConfig('{not json'), EMPTY_CONFIG);
  assert.deepEqual(parseKeyConfig('{"bindings": [1, 2]}'), EMPTY_CONFIG);
  assert.deepEqual(parseKeyConfig(null), EMPTY_CONFIG);
});
