import { Command } from 'commander';
import { join } from 'node:path';
import { startBridge, isLoopback, type Bridge } from '../../server/bridge';
import type { Services } from '../../services/index';
import { openServices, withCommonOptions, type CommonOptions } from '../context';
import { CliError, printJson } from '../output';
import { AUTO_RESUME_ENV, autoResumeWanted } from '../../training/auto-resume';

export interface ServeOptions extends CommonOptions {
  host: string;
  port: string;
  allowRemote?: boolean;
  /** false with --no-resume. */
  resume?: boolean;
}

/** The built renderer sits at dist/renderer, next to dist/main where this runs. */
export const RENDERER_DIR = join(__dirname, '..', 'renderer');

export async function serveServices(services: Services, options: ServeOptions): Promise<Bridge> {
  if (!isLoopback(options.host)) {
    if (!options.allowRemote) {
      throw new CliError(`Refusing to listen on ${options.host}: browser mode is loopback-only unless --allow-remote is given.`, 2);
    }
    process.stderr.write(
      `WARNING: listening on ${options.host}. Anyone who can reach this machine and has the token can read the library. Patient data will cross the network unencrypted.\n`,
    );
  }
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer from 0 to 65535, got "${options.port}".`, 2);
  const bridge = await startBridge({ services, rendererDir: RENDERER_DIR, host: options.host, port });
  if (options.json) printJson({ url: bridge.url, origin: bridge.origin, token: bridge.token, library: services.libraryPath });
  else process.stdout.write(`ConVIRT Workstation (browser mode)\nLibrary: ${services.libraryPath}\nOpen:    ${bridge.url}\nPress Ctrl+C to stop.\n`);
  const stop = () => {
    void bridge.close().then(() => {
      services.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return bridge;
}

export function serveCommand(): Command {
  return withCommonOptions(new Command('serve'))
    .description('start browser mode: a loopback HTTP + WebSocket bridge serving the UI, guarded by a per-launch token')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--allow-remote', 'allow a non-loopback --host (prints a warning)')
    .option('--no-resume', `do not resume an interrupted pretraining run on start (or set ${AUTO_RESUME_ENV}=0)`)
    .action(async (options: ServeOptions) => {
      await serveServices(openServices(options, 'browser', { resumeInterrupted: autoResumeWanted(options.resume === false) }), options);
    });
}
