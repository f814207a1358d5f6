import type { Command } from 'commander';
import type { Result } from '../../src-shared/result';
import { resolveLibraryPath } from '../library-path';
import { createServices, type Services, type ServicesOptions } from '../services/index';
import { CliError } from './output';

export interface CommonOptions {
  library?: string;
  json?: boolean;
}

/** Every subcommand takes these two. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--library <path>', 'library file (default: $CONVIRT_LIBRARY or the per-user app-data folder)')
    .option('--json', 'print machine-readable JSON on stdout');
}

export function openServices(options: CommonOptions, door: 'cli' | 'browser' = 'cli', services: ServicesOptions = {}): Services {
  return createServices(resolveLibraryPath(options.library), door, services);
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new CliError(`${result.error.message} [${result.error.code}]`);
  return result.value;
}
