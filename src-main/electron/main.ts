/**
 * The Electron shell: a hardened window over the same services the CLI and
 * browser mode use. Kept thin: everything testable lives outside this folder.
 */
import { app, BrowserWindow, ipcMain, protocol, session, type IpcMainInvokeEvent } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CHANNELS, EVENT_CHANNEL } from '../../src-shared/contract/channels';
import { err } from '../../src-shared/result';
import { resolveLibraryPath } from '../library-path';
import { log } from '../log';
import { pixelReply, PIXELS_PREFIX, type PixelReply } from '../server/pixels';
import { ThumbnailSource, THUMBS_PREFIX, thumbnailReply } from '../server/thumbnails';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../server/security-headers';
import { createServices, type Services } from '../services/index';
import { registerShellDialogs } from './shell-dialogs';
import { autoResumeWanted } from '../training/auto-resume';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://convirt`;
const RENDERER_DIR = join(__dirname, '..', 'renderer');
const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function libraryFlag(): string | undefined {
  const i = process.argv.indexOf('--library');
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function serveRendererFile(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const base = resolve(RENDERER_DIR);
  let file = resolve(join(base, normalize(decodeURIComponent(url.pathname))));
  if (!file.startsWith(base + sep)) return Promise.resolve(new Response('forbidden', { status: 403 }));
  if (url.pathname === '/' || extname(file) === '') file = join(base, 'index.html');
  return readFile(file).then(
    (body) => new Response(body, { headers: { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS } }),
    () => new Response('not found', { status: 404 }),
  );
}

function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frameUrl = event.senderFrame?.url ?? '';
  return frameUrl.startsWith(`${ORIGIN}/`);
}

function registerIpc(services: Services): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!trustedSender(event)) {
        log.warn('ipc.untrusted_sender', { channel });
        return err('unauthorized', 'IPC from an untrusted frame.');
      }
      return services.dispatch(channel, payload);
    });
  }
}

function createWindow(services: Services): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'ConVIRT Workstation',
    webPreferences: {
      preload: join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const unsubscribe = services.events.subscribe((e) => win.webContents.send(EVENT_CHANNEL, e));
  win.on('closed', unsubscribe);
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
  });
  // No new windows, and no links handed to the system browser: nothing leaves the machine.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadURL(`${ORIGIN}/index.html`);
  return win;
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

/** The app:// door: pixel and thumbnail requests go to the services, everything else is the built renderer. */
function serveApp(services: Services, thumbnails: ThumbnailSource, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  let reply: Promise<PixelReply>;
  if (pathname.startsWith(PIXELS_PREFIX)) reply = pixelReply(services.pixels, pathname);
  else if (pathname.startsWith(THUMBS_PREFIX)) reply = thumbnailReply(thumbnails, pathname);
  else return serveRendererFile(request);
  return reply.then(
    // Decoded frames live in plain ArrayBuffers (never shared memory): hand them over without a copy.
    (reply) => new Response(new Uint8Array(reply.body.buffer as ArrayBuffer, reply.body.byteOffset, reply.body.byteLength), { status: reply.status, headers: { ...reply.headers, ...SECURITY_HEADERS } }),
  );
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  const services = createServices(resolveLibraryPath(libraryFlag()), 'electron', { resumeInterrupted: autoResumeWanted(process.argv.includes('--no-resume')) });
  const thumbnails = new ThumbnailSource(services.db, services.libraryPath);
  protocol.handle(SCHEME, (request) => serveApp(services, thumbnails, request));
  registerIpc(services);
  registerShellDialogs(trustedSender);
  createWindow(services);
  app.on('window-all-closed', () => {
    services.close();
    app.quit();
  });
});
