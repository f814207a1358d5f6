/**
 * Loads the BUILT Electron main and preload bundles (dist/main) with a
 * recording stand-in for the `electron` module, so their security settings can
 * be checked where the Electron binary cannot run. It records what the code
 * asks Electron to do; it does not pretend to be a browser.
 */
import Module from 'node:module';
import { join } from 'node:path';

export const DIST = join(__dirname, '..', '..', 'dist', 'main');

type Handler = (...args: unknown[]) => unknown;

export interface Recording {
  windows: { options: Record<string, unknown>; contentsHandlers: Map<string, Handler>; windowOpenHandler?: Handler; loaded?: string }[];
  ipcHandlers: Map<string, Handler>;
  appHandlers: Map<string, Handler>;
  privilegedSchemes: unknown[];
  protocolHandlers: Map<string, Handler>;
  permissionHandler?: Handler;
  headersHandler?: Handler;
  exposed: Map<string, unknown>;
  ipcRendererCalls: { channel: string; payload: unknown }[];
  /** Arguments of each dialog.showOpenDialog call; the stand-in answers with /picked/path. */
  dialogCalls: unknown[][];
  ready?: Promise<void>;
}

function stand_in(rec: Recording): Record<string, unknown> {
  class BrowserWindow {
    readonly webContents;
    constructor(options: Record<string, unknown>) {
      const entry: Recording['windows'][number] = { options, contentsHandlers: new Map() };
      rec.windows.push(entry);
      this.webContents = {
        on: (event: string, h: Handler) => entry.contentsHandlers.set(event, h),
        setWindowOpenHandler: (h: Handler) => (entry.windowOpenHandler = h),
        send: () => undefined,
      };
      this.loadURL = (url: string) => {
        entry.loaded = url;
        return Promise.resolve();
      };
    }
    loadURL: (url: string) => Promise<void>;
    on(): void {}
    static fromWebContents(): null {
      return null;
    }
  }
  let resolveReady!: () => void;
  const whenReady = new Promise<void>((r) => (resolveReady = r));
  rec.ready = whenReady.then(() => new Promise((r) => setTimeout(r, 10)));
  return {
    app: {
      whenReady: () => {
        setTimeout(resolveReady, 0);
        return whenReady;
      },
      on: (event: string, h: Handler) => rec.appHandlers.set(event, h),
      quit: () => undefined,
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, h: Handler) => rec.ipcHandlers.set(channel, h) },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => rec.privilegedSchemes.push(...s),
      handle: (scheme: string, h: Handler) => rec.protocolHandlers.set(scheme, h),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Handler) => (rec.permissionHandler = h),
        webRequest: { onHeadersReceived: (h: Handler) => (rec.headersHandler = h) },
      },
    },
    shell: { openExternal: () => Promise.resolve() },
    dialog: {
      showOpenDialog: (...args: unknown[]) => {
        rec.dialogCalls.push(args);
        return Promise.resolve({ canceled: false, filePaths: ['/picked/path'] });
      },
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => rec.exposed.set(key, api) },
    ipcRenderer: {
      invoke: (channel: string, payload: unknown) => {
        rec.ipcRendererCalls.push({ channel, payload });
        return Promise.resolve({ ok: true, value: null });
      },
      on: () => undefined,
      removeListener: () => undefined,
    },
  };
}

/** Requires a built bundle with `electron` resolved to the recording stand-in. */
export function loadWithElectron(bundle: 'electron-main.js' | 'preload.js', argv: string[] = []): Recording {
  const rec: Recording = {
    windows: [],
    ipcHandlers: new Map(),
    appHandlers: new Map(),
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    exposed: new Map(),
    ipcRendererCalls: [],
    dialogCalls: [],
  };
  const electron = stand_in(rec);
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = loader._load;
  const savedArgv = process.argv;
  loader._load = (request, parent, isMain) => (request === 'electron' ? electron : original(request, parent, isMain));
  process.argv = [process.argv[0]!, 'electron', ...argv];
  try {
    const path = join(DIST, bundle);
    delete require.cache[path];
    require(path);
  } finally {
    loader._load = original;
    process.argv = savedArgv;
  }
  return rec;
}
