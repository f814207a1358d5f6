/** Browser mode's bridge: token on every request, errors as JSON values, loopback only. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { seedSampleLibrary } from '../../src-main/demo/sample-library';
import { configureLog } from '../../src-main/log';
import { startBridge } from '../../src-main/server/bridge';
import { createServices } from '../../src-main/services/index';
import { tempDir } from '../helpers/temp';

const dir = tempDir();
const logFile = join(dir, 'logs', 'convirt.log'); // beside the library, where createServices puts it
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ConVIRT</title>');
const services = createServices(join(dir, 'lib.sqlite'), 'browser');
configureLog({ quiet: true });
seedSampleLibrary(services.db, { studies: 20, seed: 5 });
const bridgePromise = startBridge({ services, rendererDir: dir });
after(async () => (await bridgePromise).close());

async function api(channel: string, body: string, headers: Record<string, string> = {}) {
  const bridge = await bridgePromise;
  const res = await fetch(`${bridge.origin}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } } };
}

test('listens on loopback only, with a long random token', async () => {
  const bridge = await bridgePromise;
  assert.equal((bridge.server.address() as AddressInfo).address, '127.0.0.1');
  assert.ok(bridge.token.length >= 32);
  assert.ok(bridge.url.startsWith('http://127.0.0.1:') && bridge.url.endsWith(`?token=${bridge.token}`));
});

test('the page without the token answers 401 with a JSON error', async () => {
  const bridge = await bridgePromise;
  const res = await fetch(`${bridge.origin}/`);
  assert.equal(res.status, 401);
  const body = (await res.json()) as { ok: boolean; error: { code: string } };
  assert.deepEqual([body.ok, body.error.code], [false, 'unauthorized']);
  assert.equal((await fetch(`${bridge.origin}/?token=wrong-${bridge.token}`)).status, 401);
});

test('the token in the URL is traded for a strict cookie, which then opens the page', async () => {
  const bridge = await bridgePromise;
  const res = await fetch(bridge.url, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/');
  const cookie = res.headers.get('set-cookie')!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const page = await fetch(`${bridge.origin}/`, { headers: { cookie: cookie.split(';')[0]! } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /ConVIRT/);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);
});

test('API calls without or with a wrong token answer 401', async () => {
  const bridge = await bridgePromise;
  const res = await fetch(`${bridge.origin}/api/library:stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(res.status, 401);
  assert.equal((await api('library:stats', '{}', { authorization: 'Bearer nope' })).status, 401);
});

test('a valid call returns the value, with no CORS header for any origin', async () => {
  const bridge = await bridgePromise;
  const preflight = await fetch(`${bridge.origin}/api/library:stats`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  const raw = await fetch(`${bridge.origin}/api/library:stats`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(raw.headers.get('access-control-allow-origin'), null);
  const { status, json } = await api('library:listStudies', JSON.stringify({ limit: 7 }));
  assert.equal(status, 200);
  assert.equal(json.ok, true);
  assert.equal((json.value as { items: unknown[]; total: number }).items.length, 7);
});

test('bad input: unknown channel 404, malformed JSON 400, bad payload 400, wrong type 415', async () => {
  const unknown = await api('library:dropAll', '{}');
  assert.deepEqual([unknown.status, unknown.json.error?.code], [404, 'unknown_channel']);
  const malformed = await api('library:listStudies', '{"limit": ');
  assert.deepEqual([malformed.status, malformed.json.error?.code], [400, 'bad_request']);
  const payload = await api('library:listStudies', JSON.stringify({ limit: -1 }));
  assert.deepEqual([payload.status, payload.json.error?.code], [400, 'bad_request']);
  const notFound = await api('library:getStudy', JSON.stringify({ id: 99999 }));
  assert.deepEqual([notFound.status, notFound.json.error?.code], [404, 'not_found']);
  const wrongType = await api('library:stats', '{}', { 'content-type': 'text/plain' });
  assert.equal(wrongType.status, 415);
  // The bridge is still up after all of it.
  assert.equal((await api('library:stats', '{}')).status, 200);
});

test('a foreign Host (DNS rebinding) or a cross-site Origin is refused even with the token', async () => {
  const bridge = await bridgePromise;
  const http = await import('node:http');
  const status = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${bridge.origin}/api/library:stats`,
        { method: 'POST', headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json', ...headers } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
  const port = (bridge.server.address() as AddressInfo).port;
  assert.equal(await status({ host: `evil.example:${port}` }), 403);
  assert.equal(await status({ origin: 'http://evil.example' }), 403);
  assert.equal(await status({ origin: bridge.origin }), 200);
});

test('the event socket needs the token and then receives job events', async () => {
  const bridge = await bridgePromise;
  const wsUrl = `${bridge.origin.replace('http', 'ws')}/events`;
  const refused = new WebSocket(wsUrl);
  await new Promise<void>((resolve) => refused.on('error', () => resolve()));
  const ws = new WebSocket(`${wsUrl}?token=${bridge.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  const received = new Promise<unknown>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
  services.events.emit({ type: 'progress', jobId: 'j1', kind: 'import', done: 3, total: 10, rate: 1.5, etaSeconds: 4.7 });
  assert.deepEqual(await received, { type: 'progress', jobId: 'j1', kind: 'import', done: 3, total: 10, rate: 1.5, etaSeconds: 4.7 });
  ws.close();
});

test('logs carry no patient identifiers', async () => {
  await api('library:listStudies', JSON.stringify({ filters: { text: 'SAMPLE-00001' } }));
  await api('library:getStudy', JSON.stringify({ id: 'SAMPLE-00002' }));
  const log = readFileSync(logFile, 'utf8');
  assert.ok(log.length > 0, 'expected some log lines');
  assert.doesNotMatch(log, /SAMPLE/);
});
