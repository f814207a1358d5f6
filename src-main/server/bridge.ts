/**
 * Browser mode: the services over loopback HTTP (`POST /api/group:method`)
 * and a WebSocket (`/events`) for job events, guarded by a per-launch token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ErrorCode, Result } from '../../src-shared/result';
import { err } from '../../src-shared/result';
import { log } from '../log';
import type { Services } from '../services/index';
import { PIXELS_PREFIX, servePixels } from './pixels';
import { ThumbnailSource, THUMBS_PREFIX, thumbnailReply } from './thumbnails';
import { hostAllowed, isAuthorized, newToken, TOKEN_COOKIE } from './auth';
import { SECURITY_HEADERS } from './security-headers';
import { serveStatic } from './static';

const MAX_BODY_BYTES = 1 << 20;

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  unknown_channel: 404,
  not_found: 404,
  not_implemented: 501,
  internal: 500,
};

export interface BridgeOptions {
  services: Services;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface Bridge {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('too_large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const { services } = options;
  const hostSet = new Set<string>();
  // Bound to another interface (explicit opt-in), names we cannot predict reach us; the token still guards.
  const allowedHosts: Set<string> | 'any' = isLoopback(host) ? hostSet : 'any';

  const thumbnails = new ThumbnailSource(services.db, services.libraryPath);
  const deny = (res: ServerResponse, status: number, code: ErrorCode, message: string) => sendJson(res, status, err(code, message));

  async function handleApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') return deny(res, 405, 'bad_request', 'Use POST for API calls.');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return deny(res, 415, 'bad_request', 'API calls must send Content-Type: application/json.');
    }
    let payload: unknown;
    try {
      const body = await readBody(req);
      payload = body.trim() === '' ? {} : JSON.parse(body);
    } catch (cause) {
      const tooLarge = (cause as Error).message === 'too_large';
      return deny(res, tooLarge ? 413 : 400, 'bad_request', tooLarge ? 'Request body too large.' : 'Request body is not valid JSON.');
    }
    const result: Result<unknown> = await services.dispatch(channel, payload);
    sendJson(res, result.ok ? 200 : (STATUS_OF[result.error.code] ?? 400), result);
  }

  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!hostAllowed(req, allowedHosts)) return deny(res, 403, 'unauthorized', 'Host or Origin not allowed.');
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const auth = isAuthorized(req, url, token);
    if (!auth.ok) {
      log.warn('bridge.unauthorized', { method: req.method ?? '', api: url.pathname.startsWith('/api/') });
      return deny(res, 401, 'unauthorized', 'Missing or wrong token. Open the URL printed by `convirt serve`.');
    }
    if (auth.via === 'query' && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // Trade the token in the URL for a strict cookie, so it leaves the address bar and history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      handleApi(req, res, decodeURIComponent(url.pathname.slice('/api/'.length))).catch((cause: Error) => {
        log.error('bridge.exception', { name: cause.name });
        if (!res.headersSent) deny(res, 500, 'internal', 'Internal error.');
      });
      return;
    }
    if (url.pathname.startsWith(PIXELS_PREFIX)) {
      servePixels(services.pixels, req.method ?? '', url.pathname, res).catch(() => {
        if (!res.headersSent) deny(res, 500, 'internal', 'Internal error.');
      });
      return;
    }
    if (url.pathname.startsWith(THUMBS_PREFIX) && req.method === 'GET') {
      void thumbnailReply(thumbnails, url.pathname).then((reply) => {
        res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
        res.end(reply.body);
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'bad_request', 'Method not allowed.');
    serveStatic(options.rendererDir, url.pathname, res);
  });

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== '/events' || !hostAllowed(req, allowedHosts) || !isAuthorized(req, url, token).ok) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });
  const unsubscribe = services.events.subscribe((event) => {
    const text = JSON.stringify(event);
    for (const ws of sockets) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  for (const h of [hostInUrl, '127.0.0.1', 'localhost', '[::1]']) hostSet.add(`${h}:${port}`.toLowerCase());
  const origin = `http://${hostInUrl}:${port}`;
  log.info('bridge.listening', { port, loopback: isLoopback(host) });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    server,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
