import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** package.json sits two levels above both src-main/ and dist/main/. */
function readPackage(): { version: string; productName: string } {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      return JSON.parse(readFileSync(join(__dirname, rel), 'utf8')) as { version: string; productName: string };
    } catch {
      // try the next layout
    }
  }
  return { version: '0.0.0', productName: 'ConVIRT Workstation' };
}

const pkg = readPackage();
export const APP_NAME = pkg.productName;
export const APP_VERSION = pkg.version;
