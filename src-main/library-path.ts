import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const LIBRARY_ENV = 'CONVIRT_LIBRARY';
const APP_DIR = 'ConVIRT Workstation';
const FILE = 'library.sqlite';

/**
 * Where the library lives unless `--library` or $CONVIRT_LIBRARY says otherwise:
 * the per-user application-data folder each OS expects.
 */
export function defaultLibraryPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR, FILE);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR, FILE);
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'convirt-workstation', FILE);
}

export function resolveLibraryPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const path = flag ?? env[LIBRARY_ENV] ?? defaultLibraryPath(process.platform, env);
  // Absolute, because runs, checkpoints and caches beside the library are recorded by path:
  // a relative one would stop matching from another working directory.
  return path === ':memory:' ? path : resolve(path);
}

/** Logs live beside the library they describe, so one library's logs never mix with another's. */
export function logFileFor(libraryPath: string): string {
  return join(dirname(libraryPath), 'logs', 'convirt.log');
}
