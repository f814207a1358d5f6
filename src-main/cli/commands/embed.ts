import { Command } from 'commander';
import { BackendName } from '../../../src-shared/contract/system';
import type { Db } from '../../db/connection';
import { openLibrary } from '../../db/connection';
import { resolveLibraryPath } from '../../library-path';
import { withCommonOptions, type CommonOptions } from '../context';
import { CliError, printJson } from '../output';
import { embedAfterPretrain } from './pretrain-embed';

interface EmbedOptions extends CommonOptions {
  checkpoint?: string;
  backend?: string;
}

/** The checkpoint whose vectors search uses now: the one the newest stored embedding came from. */
function currentCheckpoint(db: Db): string | null {
  const row = db
    .prepare('SELECT c.path AS path FROM embeddings e JOIN checkpoints c ON c.id = e.checkpoint_id ORDER BY e.id DESC LIMIT 1')
    .get() as { path: string } | undefined;
  return row?.path ?? null;
}

export function embedCommand(): Command {
  return withCommonOptions(new Command('embed'))
    .description('embed the images and report sentences that have no vector yet (new imports) with a pretrained checkpoint, for search')
    .option('--checkpoint <path>', 'checkpoint folder of a pretraining run (default: the one search uses now)')
    .option('--backend <name>', `ML backend: ${BackendName.options.join(' | ')} (default: the best available)`)
    .action(async (options: EmbedOptions) => {
      const libraryPath = resolveLibraryPath(options.library);
      const backend = options.backend === undefined ? undefined : BackendName.safeParse(options.backend);
      if (backend && !backend.success) throw new CliError(`--backend must be one of ${BackendName.options.join(', ')}, got "${options.backend}".`, 2);
      const db = openLibrary(libraryPath);
      try {
        const checkpoint = options.checkpoint ?? currentCheckpoint(db);
        if (!checkpoint) throw new CliError('No embedded model in this library yet: run `convirt pretrain` first, or pass --checkpoint.', 1);
        const summary = await embedAfterPretrain(db, libraryPath, checkpoint, { ...(backend ? { backend: backend.data } : {}), progress: !options.json });
        if (options.json) printJson(summary);
        else process.stdout.write(`embedded ${summary.images} images and ${summary.sentences} sentences as model ${summary.modelId}\n`);
      } finally {
        db.close();
      }
    });
}
