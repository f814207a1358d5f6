/**
 * The main-process side of the shell's one IPC method: a native open dialog
 * (dialog.showOpenDialog) for a folder or a file, modal to the asking window.
 * Only frames of the app's own origin may ask.
 */
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, type OpenDialogOptions } from 'electron';
import { parsePickPathInput, SHELL_PICK_PATH_CHANNEL, type PickPathInput, type PickPathOutput } from '../../src-shared/contract/shell';
import { log } from '../log';

/** Electron's dialog options for a request. Pure. */
export function openDialogOptions(input: PickPathInput): OpenDialogOptions {
  return {
    title: input.title ?? (input.kind === 'folder' ? 'Choose a folder to import' : 'Choose a file'),
    properties: input.kind === 'folder' ? ['openDirectory', 'dontAddToRecent'] : ['openFile', 'dontAddToRecent'],
  };
}

/** The reply for what the dialog returned. Pure. */
export function pickedPath(result: { canceled: boolean; filePaths: string[] }): PickPathOutput {
  return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
}

export function registerShellDialogs(trustedSender: (event: IpcMainInvokeEvent) => boolean): void {
  ipcMain.handle(SHELL_PICK_PATH_CHANNEL, async (event, payload: unknown): Promise<PickPathOutput> => {
    const input = parsePickPathInput(payload);
    if (!trustedSender(event) || !input) {
      log.warn('ipc.shell_refused', { channel: SHELL_PICK_PATH_CHANNEL, trusted: trustedSender(event) });
      return { path: null };
    }
    const window = BrowserWindow.fromWebContents(event.sender);
    const options = openDialogOptions(input);
    return pickedPath(window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options));
  });
}
