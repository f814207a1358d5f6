/**
 * Where the Electron binary is, when it is installed: `npm start` and
 * `convirt demo` open the desktop app with it, and browser mode otherwise.
 * Run from plain Node, the electron package exports the binary's path.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export function electronBinary(): { path: string | null; why: string } {
  try {
    // Throws when the binary's download failed or was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD, no network).
    const path = require('electron') as unknown;
    return typeof path === 'string' ? { path, why: '' } : { path: null, why: 'the electron package did not export a binary path' };
  } catch {
    return {
      path: null,
      why: 'its download was skipped or failed; where the network allows, run `node node_modules/electron/install.js` to fetch it',
    };
  }
}

/** Starts the desktop app (dist/main/electron-main.js) with `args`; resolves with its exit code. */
export function runDesktopApp(binary: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [join(__dirname, 'electron-main.js'), ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 0));
  });
}
