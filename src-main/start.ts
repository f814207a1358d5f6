/**
 * `npm start`: the desktop app where the Electron binary is installed;
 * otherwise say so plainly and start browser mode instead.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { main as cli } from './cli/main';

function electronBinary(): { path: string | null; why: string } {
  try {
    // The electron package exports the binary's path, and throws when its download failed or was skipped.
    const path = require('electron') as unknown;
    return typeof path === 'string' ? { path, why: '' } : { path: null, why: 'the electron package did not export a binary path' };
  } catch {
    return {
      path: null,
      why: 'its download was skipped or failed; where the network allows, run `node node_modules/electron/install.js` to fetch it',
    };
  }
}

const { path, why } = electronBinary();
if (path) {
  const child = spawn(path, [join(__dirname, 'electron-main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(
    `The Electron binary is not installed here (${why}).\nStarting browser mode instead: open the URL below in Chromium, Chrome, Edge or Firefox.\n\n`,
  );
  void cli([process.argv[0]!, 'convirt', 'serve', ...process.argv.slice(2)]).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
