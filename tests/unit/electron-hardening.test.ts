/**
 * Electron's security checklist, item by item, against the built main and
 * preload bundles (dist/main, made by `npm run build`).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHANNELS } from '../../src-shared/contract/channels';
import { SHELL_PICK_PATH_CHANNEL } from '../../src-shared/contract/shell';
import { CONTENT_SECURITY_POLICY } from '../../src-main/server/security-headers';
import { loadWithElectron } from '../helpers/electron-harness';
import { tempDir } from '../helpers/temp';

const main = loadWithElectron('electron-main.js', ['--library', join(tempDir(), 'lib.sqlite')]);

test('the window: context isolation, sandbox, no node integration, web security, no webview', async () => {
  await main.ready;
  assert.equal(main.windows.length, 1);
  const prefs = main.windows[0]!.options.webPreferences as Record<string, unknown>;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.match(String(prefs.preload), /preload\.js$/);
});

test('no remote content: the app loads only from its own app:// origin', async () => {
  await main.ready;
  assert.equal(main.windows[0]!.loaded, 'app://convirt/index.html');
  assert.ok(main.protocolHandlers.has('app'));
});

test('navigation away from the app and window.open are blocked', async () => {
  await main.ready;
  const win = main.windows[0]!;
  let prevented = false;
  win.contentsHandlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, 'https://example.com/');
  assert.equal(prevented, true);
  prevented = false;
  win.contentsHandlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, 'app://convirt/index.html');
  assert.equal(prevented, false);
  assert.deepEqual(win.windowOpenHandler!({ url: 'https://example.com/' }), { action: 'deny' });
  assert.deepEqual(win.windowOpenHandler!({ url: 'app://convirt/x' }), { action: 'deny' });
});

test('webviews are refused on every web contents', async () => {
  await main.ready;
  const handlers = new Map<string, (e: { preventDefault(): void }) => void>();
  main.appHandlers.get('web-contents-created')!({}, { on: (name: string, h: (e: { preventDefault(): void }) => void) => handlers.set(name, h) });
  let prevented = false;
  handlers.get('will-attach-webview')!({ preventDefault: () => (prevented = true) });
  assert.equal(prevented, true);
});

test('every permission request is denied', async () => {
  await main.ready;
  for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
    let granted: boolean | undefined;
    main.permissionHandler!({}, permission, (g: boolean) => (granted = g));
    assert.equal(granted, false, permission);
  }
});

test('a strict CSP is set on every response', async () => {
  await main.ready;
  let headers: Record<string, string[]> = {};
  main.headersHandler!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
  assert.deepEqual(headers['Content-Security-Policy'], [CONTENT_SECURITY_POLICY]);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /'unsafe-eval'/);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(CONTENT_SECURITY_POLICY, /object-src 'none'/);
});

test('IPC: exactly the contract is handled, the sender is checked, payloads are validated', async () => {
  await main.ready;
  // The contract, plus the shell's native dialog (tests/unit/electron-shell.test.ts).
  assert.deepEqual([...main.ipcHandlers.keys()].sort(), [...CHANNELS, SHELL_PICK_PATH_CHANNEL].sort());
  const handler = main.ipcHandlers.get('library:listStudies')!;
  const foreign = (await handler({ senderFrame: { url: 'https://evil.example/' } }, {})) as { ok: boolean; error: { code: string } };
  assert.deepEqual([foreign.ok, foreign.error.code], [false, 'unauthorized']);
  const malformed = (await handler({ senderFrame: { url: 'app://convirt/index.html' } }, { limit: 'x' })) as { ok: boolean; error: { code: string } };
  assert.deepEqual([malformed.ok, malformed.error.code], [false, 'bad_request']);
  const good = (await handler({ senderFrame: { url: 'app://convirt/index.html' } }, { limit: 5 })) as { ok: boolean };
  assert.equal(good.ok, true);
});

test('the preload exposes exactly the contract and refuses other channels', async () => {
  const preload = loadWithElectron('preload.js');
  const api = preload.exposed.get('convirt') as Record<string, Record<string, (i: unknown) => Promise<unknown>> | unknown>;
  assert.deepEqual([...preload.exposed.keys()], ['convirt', 'convirtShell']);
  const exposed = Object.entries(api).flatMap(([group, methods]) =>
    typeof methods === 'function' ? [group] : Object.keys(methods as object).map((m) => `${group}:${m}`),
  );
  assert.deepEqual(exposed.filter((c) => c !== 'onEvent').sort(), [...CHANNELS].sort());
  await (api.library as Record<string, (i: unknown) => Promise<unknown>>).listStudies!({ limit: 1 });
  assert.deepEqual(preload.ipcRendererCalls, [{ channel: 'library:listStudies', payload: { limit: 1 } }]);
  assert.equal(typeof api['ipc' + 'Renderer'], 'undefined');
});
