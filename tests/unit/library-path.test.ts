/** Where the library lives: flag, then environment, then the per-OS default. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLibraryPath, resolveLibraryPath } from '../../src-main/library-path';

test('per-OS defaults follow each platform convention', () => {
  assert.equal(defaultLibraryPath('linux', {}, '/home/ana'), '/home/ana/.local/share/convirt-workstation/library.sqlite');
  assert.equal(defaultLibraryPath('linux', { XDG_DATA_HOME: '/data/x' }, '/home/ana'), '/data/x/convirt-workstation/library.sqlite');
  assert.equal(defaultLibraryPath('darwin', {}, '/Users/ana'), '/Users/ana/Library/Application Support/ConVIRT Workstation/library.sqlite');
  assert.match(defaultLibraryPath('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana'), /Roaming.ConVIRT Workstation.library\.sqlite$/);
});

test('--library beats $CONVIRT_LIBRARY, which beats the default', () => {
  assert.equal(resolveLibraryPath('/a.sqlite', { CONVIRT_LIBRARY: '/b.sqlite' }), '/a.sqlite');
  assert.equal(resolveLibraryPath(undefined, { CONVIRT_LIBRARY: '/b.sqlite' }), '/b.sqlite');
  assert.match(resolveLibraryPath(undefined, {}), /library\.sqlite$/);
});

test('a relative --library becomes absolute, so paths recorded beside it match from any working directory', () => {
  assert.equal(resolveLibraryPath('lib.sqlite', {}), join(process.cwd(), 'lib.sqlite'));
  assert.equal(resolveLibraryPath(':memory:', {}), ':memory:');
});
