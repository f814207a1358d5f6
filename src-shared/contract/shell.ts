/**
 * Native desktop dialogs. Not a service: the services also serve the browser
 * bridge and the CLI, which have no native dialog. One typed IPC method that
 * only the Electron shell exposes (`window.convirtShell`); browser mode keeps
 * typing paths. Names only here, with no schema library: the preload imports it.
 */
export const SHELL_PICK_PATH_CHANNEL = 'shell:pickPath';

export interface PickPathInput {
  /** A folder (an archive, a layout) or a single file (an SR, a manifest). */
  kind: 'folder' | 'file';
  /** The dialog's title. */
  title?: string;
}

/** The chosen absolute path, or null when the person cancelled. */
export interface PickPathOutput {
  path: string | null;
}

export interface ShellApi {
  pickPath(input: PickPathInput): Promise<PickPathOutput>;
}

/** Checks an untrusted IPC payload; null when it is not a PickPathInput. */
export function parsePickPathInput(raw: unknown): PickPathInput | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { kind, title } = raw as Record<string, unknown>;
  if (kind !== 'folder' && kind !== 'file') return null;
  if (title !== undefined && (typeof title !== 'string' || title.length > 200)) return null;
  return title === undefined ? { kind } : { kind, title };
}

/** Checks the reply before the renderer uses it; null when it is malformed. */
export function parsePickPathOutput(raw: unknown): PickPathOutput | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { path } = raw as Record<string, unknown>;
  return path === null || (typeof path === 'string' && path.length > 0) ? { path } : null;
}
