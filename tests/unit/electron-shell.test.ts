/**
 * The shell's one native-dialog IPC method (folder picker of the import
 * dialog), against the built main and preload bundles with the recording
 * Electron stand-in: only the app's own frames may open a dialog, payloads are
 * checked, and the folder dialog is asked for a directory.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePickPathInput, parsePickPathOutput, SHELL_PICK_PATH_CHANNEL, type ShellApi } from '../../src-shared/contract/shell';
import { loadWithElectron } from '../helpers/electron-harness';
import { tempDir } from '../helpers/temp';

const APP_FRAME = { senderFrame: { url: 'app://convirt/index.html' }, sender: {} };

test('pickPath opens a directory dialog for the app frame only, and refuses malformed payloads', async () => {
  const main = loadWithElectron('electron-main.js', ['--library', join(tempDir(), 'lib.sqlite')]);
  await main.ready;
  const handler = main.ipcHandlers.get(SHELL_PICK_PATH_CHANNEL)!;
  assert.deepEqual(await handler({ senderFrame: { url: 'https://evil.example/' }, sender: {} }, { kind: 'folder' }), { path: null });
  assert.deepEqual(await handler(APP_FRAME, { kind: 'everything' }), { path: null });
  assert.equal(main.dialogCalls.length, 0, 'no dialog for a refused request');

  assert.deepEqual(await handler(APP_FRAME, { kind: 'folder', title: 'Choose the folder to import' }), { path: '/picked/path' });
  const [options] = main.dialogCalls[0] as [{ title: string; properties: string[] }];
  assert.equal(options.title, 'Choose the folder to import');
  assert.ok(options.properties.includes('openDirectory') && !options.properties.includes('openFile'));
  await handler(APP_FRAME, { kind: 'file' });
  assert.ok((main.dialogCalls[1] as [{ properties: string[] }])[0].properties.includes('openFile'));
});

test('the preload exposes pickPath on its own channel', async () => {
  const preload = loadWithElectron('preload.js');
  const shell = preload.exposed.get('convirtShell') as ShellApi;
  await shell.pickPath({ kind: 'folder' });
  assert.deepEqual(preload.ipcRendererCalls, [{ channel: SHELL_PICK_PATH_CHANNEL, payload: { kind: 'folder' } }]);
});

test('pickPath payloads and replies are checked on both sides', () => {
  assert.deepEqual(parsePickPathInput({ kind: 'file', title: 'SR file' }), { kind: 'file', title: 'SR file' });
  assert.equal(parsePickPathInput({ kind: 'folder', title: 'x'.repeat(201) }), null);
  assert.equal(parsePickPathInput('folder'), null);
  assert.deepEqual(parsePickPathOutput({ path: null }), { path: null });
  assert.deepEqual(parsePickPathOutput({ path: '/data/archive' }), { path: '/data/archive' });
  assert.equal(parsePickPathOutput({ path: '' }), null);
  assert.equal(parsePickPathOutput({ ok: true, value: null }), null);
});
