/** The `convirt` command line: one door onto the same services as the UI. */
import { Command, CommanderError } from 'commander';
import { AppError } from '../../src-shared/result';
import { storageError } from '../db/errors';
import { configureLog } from '../log';
import { APP_VERSION } from '../version';
import { demoCommand } from './commands/demo';
import { embedCommand } from './commands/embed';
import { evalCommand } from './commands/eval';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { backendCommand, infoCommand } from './commands/info';
import { searchCommand } from './commands/search';
import { pretrainCommand } from './commands/pretrain';
import { serveCommand } from './commands/serve';
import { studiesCommand } from './commands/studies';
import { suggestCommand } from './commands/suggest';
import { CliError } from './output';

export function buildProgram(): Command {
  const program = new Command('convirt')
    .description('ConVIRT Workstation: an offline radiology library, viewer and ConVIRT trainer')
    .version(APP_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const cmd of [serveCommand(), demoCommand(), studiesCommand(), importCommand(), pretrainCommand(), embedCommand(), evalCommand(), infoCommand(), backendCommand(), searchCommand(), exportCommand(), suggestCommand()]) {
    program.addCommand(cmd.exitOverride());
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  configureLog({ quiet: !process.env.CONVIRT_DEBUG });
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (thrown) {
    const cause = storageError(thrown, 'the library') ?? thrown;
    if (cause instanceof CommanderError) return cause.exitCode === 0 ? 0 : 2;
    const code = cause instanceof CliError ? cause.exitCode : 1;
    const message = cause instanceof Error ? cause.message : String(cause);
    if (json) {
      const errorCode = cause instanceof AppError ? cause.code : code === 2 ? 'not_implemented' : 'internal';
      process.stdout.write(`${JSON.stringify({ ok: false, error: { code: errorCode, message } })}\n`);
    }
    process.stderr.write(`convirt: ${message}\n`);
    return code;
  }
}
