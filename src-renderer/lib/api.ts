/**
 * The only file that knows the transport: Electron IPC through the preload's
 * `window.convirt`, or the browser bridge over loopback HTTP + WebSocket.
 * Every response is checked against the contract's schema before use.
 */
import { CHANNELS } from '../../src-shared/contract/channels';
import { JobEvent } from '../../src-shared/contract/events';
import { lookupChannel, type ClientApi } from '../../src-shared/contract/index';
import { parsePickPathOutput, type PickPathInput, type ShellApi } from '../../src-shared/contract/shell';
import { err, resultSchema, type Result } from '../../src-shared/result';

type Invoke = (input: unknown) => Promise<unknown>;
interface PreloadApi {
  [group: string]: Record<string, Invoke> | ((listener: (event: unknown) => void) => () => void);
  onEvent: (listener: (event: unknown) => void) => () => void;
}

declare global {
  interface Window {
    convirt?: PreloadApi;
    convirtShell?: ShellApi;
  }
}

export const transport: 'electron' | 'browser' = window.convirt ? 'electron' : 'browser';

async function overBridge(channel: string, input: unknown): Promise<unknown> {
  const response = await fetch(`api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input ?? {}),
    credentials: 'same-origin',
  });
  if (response.status === 401) return err('unauthorized', 'The session token is missing or expired: reopen the URL printed by `convirt serve`.');
  return response.json();
}

async function call(channel: string, input: unknown): Promise<Result<unknown>> {
  const spec = lookupChannel(channel)?.spec;
  if (!spec) return err('unknown_channel', `Unknown channel ${channel}.`);
  try {
    const [group, name] = channel.split(':') as [string, string];
    const raw = window.convirt ? await (window.convirt[group] as Record<string, Invoke>)[name]!(input) : await overBridge(channel, input);
    const parsed = resultSchema(spec.output).safeParse(raw);
    return parsed.success ? (parsed.data as Result<unknown>) : err('internal', `Malformed response from ${channel}.`);
  } catch (cause) {
    return err('internal', `Could not reach the workstation services: ${(cause as Error).message}`);
  }
}

function buildApi(): ClientApi {
  const api: Record<string, Record<string, Invoke>> = {};
  for (const channel of CHANNELS) {
    const [group, name] = channel.split(':') as [string, string];
    (api[group] ??= {})[name] = (input: unknown) => call(channel, input);
  }
  return api as unknown as ClientApi;
}

export const api = buildApi();

/** The desktop shell's native open dialog: a path, or null when cancelled. Null in browser mode, where paths are typed. */
export const pickPath: ((input: PickPathInput) => Promise<string | null>) | null = window.convirtShell
  ? async (input) => parsePickPathOutput(await window.convirtShell!.pickPath(input))?.path ?? null
  : null;

/** Subscribes to job events; returns the teardown. */
export function onJobEvent(listener: (event: JobEvent) => void): () => void {
  const deliver = (raw: unknown) => {
    const parsed = JobEvent.safeParse(raw);
    if (parsed.success) listener(parsed.data);
  };
  if (window.convirt) return window.convirt.onEvent(deliver);
  let socket: WebSocket | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/events`);
    socket.onmessage = (m) => deliver(JSON.parse(String(m.data)));
    socket.onclose = () => {
      if (!stopped) retry = setTimeout(connect, 2000);
    };
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    socket?.close();
  };
}
