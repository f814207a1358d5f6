/**
 * `npm start`: the desktop app where the Electron binary is installed;
 * otherwise say so plainly and start browser mode instead.
 */
import { electronBinary, runDesktopApp } from './electron-binary';
import { main as cli } from './cli/main';

const { path, why } = electronBinary();
if (path) {
  void runDesktopApp(path, process.argv.slice(2)).then((code) => process.exit(code));
} else {
  process.stderr.write(
    `The Electron binary is not installed here (${why}).\nStarting browser mode instead: open the URL below in Chromium, Chrome, Edge or Firefox.\n\n`,
  );
  void cli([process.argv[0]!, 'convirt', 'serve', ...process.argv.slice(2)]).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
