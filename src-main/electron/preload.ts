/**
 * The only file that touches ipcRenderer. Exposes exactly the contract's
 * channels as `window.convirt.<group>.<method>(input)` plus an event
 * subscription; any other channel is refused before it reaches main. The
 * shell's one native-dialog method is `window.convirtShell.pickPath`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, EVENT_CHANNEL } from '../../src-shared/contract/channels';
import { SHELL_PICK_PATH_CHANNEL, type ShellApi } from '../../src-shared/contract/shell';

const allowed = new Set<string>(CHANNELS);

function invoke(channel: string, payload: unknown): Promise<unknown> {
  if (!allowed.has(channel)) {
    return Promise.resolve({ ok: false, error: { code: 'unknown_channel', message: `Unknown channel "${channel}".` } });
  }
  return ipcRenderer.invoke(channel, payload);
}

const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
for (const channel of CHANNELS) {
  const [group, name] = channel.split(':') as [string, string];
  (api[group] ??= {})[name] = (input: unknown) => invoke(channel, input);
}

contextBridge.exposeInMainWorld('convirt', {
  ...api,
  onEvent(listener: (event: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, event: unknown) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});

// The shell's native dialogs, beside the services (see contract/shell.ts).
const shell: ShellApi = { pickPath: (input) => ipcRenderer.invoke(SHELL_PICK_PATH_CHANNEL, input) };
contextBridge.exposeInMainWorld('convirtShell', shell);
